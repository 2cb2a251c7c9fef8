"""Names of the independent economy: persons, company-name words and legal forms.

Frequencies are rough: the first names at the head of each list are much more common,
which gives realistic homonyms (several MOHAMED EL ALAMI in one city). A `+` inside a
family name marks a particle written joined in the usual spelling (`BEN+HAMMOU` is
usually `BENHAMMOU`, sometimes `BEN HAMMOU`).
"""

from __future__ import annotations

MALE_FIRST: tuple[str, ...] = (
    "MOHAMED", "AHMED", "ABDELLAH", "YOUSSEF", "HASSAN", "RACHID", "SAID", "KHALID",
    "MUSTAPHA", "ABDELKADER", "HAMID", "ABDELAZIZ", "ABDERRAHIM", "BRAHIM", "DRISS",
    "HICHAM", "KARIM", "MOURAD", "NABIL", "OMAR", "OTHMANE", "REDOUANE", "SAMIR",
    "TARIK", "YASSINE", "ZAKARIA", "ADIL", "AYOUB", "ANOUAR", "JAMAL", "LAHCEN",
    "MBAREK", "NOUREDDINE", "ABDELHAK", "AMINE", "MEHDI", "HAMZA", "ISMAIL", "JAWAD",
    "FOUAD", "SOUFIANE", "ILYAS", "ANAS", "KAMAL", "ABDESSAMAD", "AZIZ", "ABDELILAH",
    "LHOUSSAINE", "BOUCHAIB", "MILOUD", "AZZEDINE", "HAKIM", "NAJIB", "AISSA", "TAOUFIK",
    "BADR", "ABDELMAJID", "ABDELLATIF", "JALAL", "ELMAHDI", "SALAH", "LARBI", "MOHSINE",
)  # fmt: skip
FEMALE_FIRST: tuple[str, ...] = (
    "FATIMA", "KHADIJA", "AICHA", "NAIMA", "MERIEM", "LATIFA", "MALIKA", "SAIDA",
    "HAFIDA", "RACHIDA", "ZINEB", "SANAA", "NADIA", "HOUDA", "LAILA", "SOUAD", "SAMIRA",
    "ASMAE", "IMANE", "HANANE", "KARIMA", "SALMA", "GHIZLANE", "HAJAR", "SARA", "OUMAIMA",
    "SOUKAINA", "NOUHAILA", "KAOUTAR", "BOUCHRA", "LOUBNA", "MOUNIA", "NAWAL", "WAFAE",
    "YASMINE", "FATIMA ZAHRA", "KHAOULA", "HIND", "SIHAM", "RAJAE", "AMAL", "ZAHRA",
)  # fmt: skip

FAMILY: tuple[str, ...] = (
    "EL ALAMI", "EL AMRANI", "BENNANI", "TAZI", "ALAOUI", "EL IDRISSI", "BEN+JELLOUN",
    "CHRAIBI", "BERRADA", "LAHLOU", "EL OUAZZANI", "BEN+HAMMOU", "BEN+SAID", "BEN+KIRANE",
    "BEN ALI", "BEL+KADI", "BEL+HAJ", "AIT BENALI", "AIT LAHCEN", "AIT TALEB", "OU+HADDOU",
    "OULAD ALI", "EL HAJJI", "EL MANSOURI", "EL FILALI", "ZIANI", "OUALI", "SAIDI",
    "KABBAJ", "MERNISSI", "GUESSOUS", "SQALLI", "BOUZIDI", "BOUAZZA", "BOUCHTA",
    "BOU+HADDOU", "HAJJI", "JABRI", "KADIRI", "KETTANI", "LAMRANI", "MOUSSAOUI", "NACIRI",
    "RIFFI", "SLAOUI", "SOUSSI", "TAHIRI", "TOUNSI", "YACOUBI", "ZERHOUNI", "EL KHATIB",
    "EL HAMDAOUI", "EL OUARDI", "EL BAKKALI", "EL MOKHTARI", "EL AZZOUZI", "EL KHALFI",
    "EL MAHJOUBI", "BEN+MOUSSA", "BEN+YOUSSEF", "BEN+ABDELLAH", "BEL+HADJ", "BEL+FQIH",
    "BEL+MAHI", "AIT OUAHMAN", "AIT BRAHIM", "AIT EL CAID", "OU+KHOUYA", "OUBELLA",
    "AMZIL", "ACHOUR", "AZOUGAGH", "BAKKALI", "BARGACH", "CHAOUI", "DOUIRI", "ENNAJI",
    "ESSAIDI", "FASSI", "GHAZI", "HARRAK", "IDRISSI", "JAMAI", "KHALIL", "LAAROUSSI",
    "MAAROUF", "MANSOURI", "MOUTAOUAKIL", "NAJI", "OUAHBI", "QASMI", "RAHALI", "SABRI",
    "SEBTI", "TAOUIL", "TOUIMI", "WAHBI", "YAHYAOUI", "ZAHIDI", "ZOUHAIR", "ANNOUR",
    "BOUKILI", "CHERKAOUI", "DAOUDI", "ELGHAZOUANI", "ERRAJI", "HAMMOUCHI", "KARIMI",
    "LAGHZAOUI", "MEKOUAR", "NOUINOU", "OUAZZANI", "RAMI", "SEFRIOUI", "TALBI", "ZEMMOURI",
    "EL YOUSSFI", "EL GHALI", "EL BOUHALI", "EL MAATAOUI", "EL HOUARI", "BEN+CHEKROUN",
    "BEN+ZAKOUR", "BEN+AISSA", "BEL+AYACHI", "AIT SAID", "AIT MOUSSA", "OU+AMMOU",
)  # fmt: skip

# Transliteration variants of whole tokens (either direction is used).
TRANSLIT: dict[str, tuple[str, ...]] = {
    "MOHAMED": ("MOHAMMED", "MHAMED", "MOHAMAD", "MOHAMMAD", "MUHAMMAD", "MED"),
    "AHMED": ("AHMAD", "AHMAT"),
    "ABDELLAH": ("ABDALLAH", "ABDELAH", "ABDULLAH"),
    "YOUSSEF": ("YOUSEF", "YOUSSOUF", "YOUSSF"),
    "HASSAN": ("HASSANE", "HASAN"),
    "RACHID": ("RACHIDE", "RASHID"),
    "SAID": ("SAAID", "SAÏD"),
    "MUSTAPHA": ("MUSTAFA", "MOSTAFA", "MOUSTAPHA"),
    "ABDELKADER": ("ABDELKADIR", "ABDELQADER", "ABD EL KADER"),
    "ABDERRAHIM": ("ABDERAHIM", "ABDERRAHIME", "ABD ERRAHIM"),
    "BRAHIM": ("IBRAHIM",),
    "DRISS": ("IDRISS", "DRIS"),
    "HICHAM": ("HISHAM", "HICHEM"),
    "OTHMANE": ("OTMANE", "OUTHMANE", "OSMANE"),
    "REDOUANE": ("RIDOUANE", "RADOUANE", "REDOINE"),
    "ZAKARIA": ("ZAKARIAE", "ZAKARYA"),
    "LAHCEN": ("LAHSEN", "LHASSAN"),
    "NOUREDDINE": ("NOUR EDDINE", "NOUREDINE", "NOURDINE"),
    "LHOUSSAINE": ("LHOUSSINE", "HOUSSAINE", "LHUSSEIN"),
    "TAOUFIK": ("TAWFIK", "TAOUFIQ"),
    "MOHSINE": ("MOHCINE", "MOHSIN"),
    "AZZEDINE": ("EZZEDINE", "AZEDDINE"),
    "KHADIJA": ("KHADIDJA", "KHADIJAH"),
    "AICHA": ("AISHA", "AÏCHA", "AYCHA"),
    "FATIMA": ("FATEMA", "FATNA"),
    "MERIEM": ("MARIAM", "MERYEM", "MARYAM"),
    "ASMAE": ("ASMA", "ASMAA"),
    "SANAA": ("SANA", "SANAE"),
    "WAFAE": ("WAFA", "OUAFAE"),
    "IMANE": ("IMAN",),
    "GHIZLANE": ("GHIZLAN", "RHIZLANE"),
    "KAOUTAR": ("KAWTAR", "KAOUTHAR"),
    "OUMAIMA": ("OUMAYMA", "OMAIMA"),
    "SOUKAINA": ("SOUKAYNA", "SUKAINA"),
    "FATIMA ZAHRA": ("FATIMA-ZAHRA", "FATIMAZAHRA", "FATIMA EZZAHRA", "F. ZAHRA"),
    "SQALLI": ("SKALLI",),
    "KADIRI": ("QADIRI",),
    "EL OUAZZANI": ("EL WAZZANI", "OUAZZANI"),
    "CHRAIBI": ("CHRAYBI",),
    "OUALI": ("WALI",),
}

PARTICLES: tuple[str, ...] = ("BEN", "BIN", "BEL", "BOU", "EL", "AL", "AIT", "OU", "OULAD")
PARTICLE_SWAP: dict[str, tuple[str, ...]] = {
    "BEN": ("BIN", "IBN"),
    "BIN": ("BEN",),
    "EL": ("AL", "E"),
    "AL": ("EL",),
    "AIT": ("AYT",),
    "OULAD": ("OULED", "WLAD"),
    "OU": ("W", "O"),
}

# Company-name words by NMA section (French as registered).
ACTIVITY_WORDS: dict[str, tuple[str, ...]] = {
    "A": ("AGRICOLE", "FERME", "AGRO", "ELEVAGE", "AGRUMES", "PEPINIERE"),
    "B": ("CARRIERE", "MINES", "EXPLOITATION MINIERE", "SABLE ET GRAVETTE"),
    "C": ("INDUSTRIE", "MENUISERIE", "CONFECTION", "ALUMINIUM", "IMPRIMERIE", "PLASTIQUE",
          "TEXTILE", "BISCUITERIE", "MARBRE", "FER FORGE", "EMBALLAGE"),
    "D": ("ENERGIE", "SOLAIRE", "ENERGIES RENOUVELABLES"),
    "E": ("ENVIRONNEMENT", "RECYCLAGE", "ASSAINISSEMENT", "HYDRAULIQUE"),
    "F": ("TRAVAUX", "CONSTRUCTION", "BATIMENT", "GENIE CIVIL", "BTP", "TRAVAUX DIVERS",
          "ETUDES ET TRAVAUX", "ELECTRICITE", "PLOMBERIE", "ETANCHEITE", "PEINTURE"),
    "G": ("NEGOCE", "DISTRIBUTION", "COMMERCE", "IMPORT EXPORT", "MATERIAUX",
          "QUINCAILLERIE", "ALIMENTATION GENERALE", "PIECES AUTO", "DROGUERIE",
          "EQUIPEMENT", "FOURNITURES", "AUTO", "PARFUMERIE", "TEXTILE"),
    "H": ("TRANSPORT", "LOGISTIQUE", "TRANSIT", "TRANSPORT DE MARCHANDISES",
          "TRANSPORT TOURISTIQUE", "MESSAGERIE"),
    "I": ("RESTAURANT", "CAFE", "HOTEL", "RIAD", "TRAITEUR", "SNACK", "RESTAURATION"),
    "J": ("INFORMATIQUE", "DIGITAL", "SOFTWARE", "MEDIA", "TELECOM", "COMMUNICATION",
          "MULTIMEDIA"),
    "K": ("ASSURANCES", "COURTAGE", "TRANSFERT", "FINANCE"),
    "L": ("IMMOBILIER", "PROMOTION IMMOBILIERE", "RESIDENCE", "IMMOBILIERE", "PROMOTION"),
    "M": ("CONSEIL", "ETUDES", "ARCHITECTURE", "FIDUCIAIRE", "ENGINEERING", "EXPERTISE",
          "CONSULTING", "MANAGEMENT", "COMPTABILITE"),
    "N": ("NETTOYAGE", "GARDIENNAGE", "SECURITE", "INTERIM", "LOCATION DE VOITURES",
          "EVENEMENTIEL", "SERVICES", "VOYAGES", "CENTRE D'APPEL"),
    "P": ("ECOLE", "FORMATION", "INSTITUT", "EDUCATION", "CRECHE", "GROUPE SCOLAIRE"),
    "Q": ("CLINIQUE", "LABORATOIRE", "CABINET", "PARAMEDICAL", "CENTRE MEDICAL"),
    "R": ("SPORT", "LOISIRS", "ARTS", "PRODUCTION", "FITNESS"),
    "S": ("COIFFURE", "PRESSING", "REPARATION", "ESTHETIQUE", "SERVICES"),
}  # fmt: skip

BRANDS: tuple[str, ...] = (
    "ATLAS", "NOUR", "AMAL", "SAHARA", "RIF", "SOUSS", "ANFA", "ARGANA", "YASMINE",
    "AL BARAKA", "AL AMANE", "ESSAADA", "NEW", "GLOBAL", "MAROC", "PRESTIGE", "PREMIUM",
    "ELITE", "MEDI", "TAWFIK", "CHIFAE", "SALAM", "ZOHOR", "OASIS", "FAJR", "AL HOUDA",
    "AL WAHDA", "NAJAH", "IMTIAZ", "TAQADDOUM", "ANDALOUS", "ORIENT", "HORIZON", "DELTA",
    "ALPHA", "OMEGA", "STAR", "ROYAL", "MODERNE", "NORD", "SUD", "CENTRE", "TOP", "BEST",
    "EXPERT", "SMART", "GREEN", "BLUE", "SKY", "OCEAN", "MEDINA", "KASBAH", "TIFAOUT",
    "ITRI", "TAFRAOUT", "AZUR", "MAGHREB", "AFRICA", "EURO", "INTER", "PRO", "MULTI",
)  # fmt: skip
CONNECTORS: tuple[str, ...] = ("ET", "&", "DE", "DU", "DES")
TAILS: tuple[str, ...] = (
    "MAROC",
    "SERVICES",
    "GROUPE",
    "PLUS",
    "INTERNATIONAL",
    "GENERALE",
    "ET FILS",
    "& FRERES",
    "COMPAGNIE",
    "NORD",
    "SUD",
    "CONCEPT",
)

# Abbreviations used by the tax office, CNSS and typists.
ABBREV: dict[str, tuple[str, ...]] = {
    "TRAVAUX": ("TRAV", "TRX", "TRVX"), "DISTRIBUTION": ("DISTRIB", "DIST", "DISTR"),
    "SOCIETE": ("STE", "STÉ", "SOC"), "ETABLISSEMENTS": ("ETS", "ETAB", "ETABL"),
    "COMPAGNIE": ("CIE", "CIE."), "INTERNATIONAL": ("INTERNAT.", "INTL", "INTER"),
    "CONSTRUCTION": ("CONST", "CONSTR", "CONSTRUC"), "GENERALE": ("GLE", "GENERAL"),
    "IMPORT": ("IMP",), "EXPORT": ("EXP",), "TRANSPORT": ("TRANSP", "TRANS", "TRSP"),
    "SERVICES": ("SERV", "SCES", "SVCES"), "ENTREPRISE": ("ENT", "ENTR"),
    "INDUSTRIE": ("IND", "INDUS"), "IMMOBILIER": ("IMMO",), "IMMOBILIERE": ("IMMO",),
    "ELECTRICITE": ("ELEC", "ELECT"), "EQUIPEMENT": ("EQUIP", "EQPT"),
    "MATERIAUX": ("MAT", "MATX"), "COMMERCE": ("COM", "COMM"), "AGRICOLE": ("AGRI", "AGR"),
    "MANAGEMENT": ("MGT", "MGMT"), "FORMATION": ("FORM",), "NEGOCE": ("NEG",),
    "LOGISTIQUE": ("LOG", "LOGIST"), "BATIMENT": ("BAT", "BATIM"), "MENUISERIE": ("MENUIS",),
    "INFORMATIQUE": ("INFO", "INFORMAT"), "COMMUNICATION": ("COM", "COMMUNIC"),
    "GROUPE": ("GRP", "GPE"), "PROMOTION": ("PROMO", "PROM"), "FRERES": ("FRS", "FR."),
    "FOURNITURES": ("FOURN", "FOURNIT"), "ALIMENTATION": ("ALIM",), "MAROC": ("MA", "MAR"),
    "CONSEIL": ("CONS",), "ETUDES": ("ET.", "ETUD"), "RESTAURANT": ("REST", "RESTO"),
    "QUINCAILLERIE": ("QUINC", "QUINCAILL"), "ASSURANCES": ("ASSUR", "ASS"),
}  # fmt: skip

# Words carrying accents when typed in mixed case.
ACCENTED: dict[str, str] = {
    "SOCIETE": "Société", "ETABLISSEMENTS": "Établissements", "ETUDES": "Études",
    "GENERALE": "Générale", "ELECTRICITE": "Électricité", "MATERIAUX": "Matériaux",
    "IMMOBILIERE": "Immobilière", "FRERES": "Frères", "TELECOM": "Télécom",
    "SECURITE": "Sécurité", "REPARATION": "Réparation", "ETANCHEITE": "Étanchéité",
    "PEPINIERE": "Pépinière", "ENERGIE": "Énergie", "EVENEMENTIEL": "Événementiel",
    "CRECHE": "Crèche", "ESTHETIQUE": "Esthétique", "PARAMEDICAL": "Paramédical",
    "MEDICAL": "Médical", "ECOLE": "École", "MEDIA": "Média", "GENIE": "Génie",
    "FER": "Fer", "FORGE": "Forgé", "DEVELOPPEMENT": "Développement", "CAFE": "Café",
    "HOTEL": "Hôtel", "NEGOCE": "Négoce", "PIECES": "Pièces", "DROGUERIE": "Droguerie",
    "RESIDENCE": "Résidence", "ENERGIES": "Énergies", "RENOUVELABLES": "Renouvelables",
    "ELEVAGE": "Élevage", "MEDI": "Médi", "MODERNE": "Moderne", "COMPTABILITE": "Comptabilité",
}  # fmt: skip

# Legal forms: code, share among legal persons, how each is written.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "SARL": ("SARL", "S.A.R.L", "S.A.R.L.", "Sarl", "SARL.", "S A R L"),
    "SARL AU": ("SARL AU", "SARLAU", "S.A.R.L AU", "SARL A.U", "S.A.R.L.A.U", "SARL-AU",
                "SARL D'ASSOCIE UNIQUE", "Sarl Au"),
    "SA": ("SA", "S.A", "S.A.", "Société Anonyme"),
    "SAS": ("SAS", "S.A.S", "S.A.S."),
    "SNC": ("SNC", "S.N.C", "Société en nom collectif"),
    "SCS": ("SCS", "S.C.S"),
    "GIE": ("GIE", "G.I.E"),
}  # fmt: skip
PERSON_FORM: tuple[str, ...] = (
    "Personne physique",
    "PERSONNE PHYSIQUE",
    "PP",
    "P.P",
    "Commerçant",
    "Personne Physique",
    "",
)
COMPANY_PREFIX: tuple[str, ...] = ("STE", "STÉ", "SOCIETE", "Société", "STE.")
TRADER_PREFIX: tuple[str, ...] = ("ETS", "ETABLISSEMENTS", "Établissements", "ETS.")
