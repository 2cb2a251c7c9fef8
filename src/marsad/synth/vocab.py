"""Words the synthetic names are built from.

Person names are common Moroccan given and family names written in Latin script; each
entry lists its usual transliterations, the canonical one first (``Mohamed|Mohammed``).
Company words are ordinary French trade-name vocabulary by NMA 2010 section.
"""

from __future__ import annotations


def _words(text: str, sep: str | None = None) -> list[str]:
    """Items of a word list written as one string (line breaks count as spaces)."""
    return [w.strip() for w in text.replace("\n", " ").split(sep) if w.strip()]


def _variants(text: str) -> list[list[str]]:
    return [entry.split("|") for entry in _words(text)]


MALE_GIVEN = _variants(
    """Mohamed|Mohammed|Mhamed|Mohamad Ahmed|Ahmad|Hmed Abdelkader|Abdelkadir|Abdelkhader
    Youssef|Youssouf|Yousef|Youcef Said|Saïd|Saeed Rachid|Rachide|Rashid Hicham|Hisham
    Mustapha|Mustafa|Moustapha Abdellah|Abdallah|Abdullah Khalid|Khaled Hassan|Hasan
    Hamid|Hmid Omar|Oumar Karim|Kareem Nabil|Nabile Driss|Idriss Brahim|Ibrahim Aziz|Azize
    Noureddine|Nourdine|Nour-Eddine Jamal|Djamal Mehdi|Mahdi Yassine|Yassin|Yacine
    Amine|Amin Hamza|Hamzah Anas|Anass Ayoub|Ayyoub Othmane|Otmane|Outhmane
    Zakaria|Zakariya|Zakariae Soufiane|Sofiane|Soufyane Adil|Adel Tarik|Tariq|Tarek
    Redouane|Ridouane|Redwane Abderrahim|Abderahim Abdelaziz|Abdelaaziz Lahcen|Lahsen
    Mounir|Mounire Fouad|Fouade Samir|Samire Jawad|Jaouad Ilyas|Ilias Reda|Rida Ali|Aly
    Taoufik|Toufik|Tawfiq Abdeslam|Abdessalam Younes|Younès|Yunus Ismail|Smail|Ismaïl
    Mourad|Murad Larbi|Larbie Abdelhak|Abdelhaq Khalil|Khalile Badr|Badre Walid|Oualid
    Hakim|Hakime Salah|Salaheddine Bilal|Belal Marouane|Marwane Ilham|Ilhame"""
)
FEMALE_GIVEN = _variants(
    """Fatima|Fatema|Fatim Khadija|Khadidja|Khadijah Aicha|Aïcha|Aisha Naima|Naïma|Naeema
    Zineb|Zaynab|Zainab Meryem|Mariam|Maryam|Meriem Salma|Salmaa Hanane|Hanan Latifa|Latifah
    Nadia|Nadiya Samira|Samirah Souad|Suad Malika|Malikah Amina|Aminah Asmae|Asmaa|Asma
    Hajar|Hajjar Imane|Iman Sanaa|Sanae Houda|Huda Loubna|Lubna Siham|Sihame Ghizlane|Ghizlaine
    Kaoutar|Kawtar|Kaoutare Nisrine|Nesrine Btissam|Ibtissam Wafae|Wafaa Rajae|Rajaa Hind|Hinde
    Laila|Leila|Layla Sara|Sarah Yasmine|Yasmina Oumaima|Omaima Chaimae|Chaima Nawal|Naoual
    Rachida|Rachidah Saida|Saïda Karima|Karimah Jamila|Djamila Fadwa|Fadoua Hafsa|Hafssa
    Soukaina|Soukayna Mouna|Mona Najat|Najate Bouchra|Bushra"""
)
FAMILY = _variants(
    """El_Alaoui|Alaoui|Al_Alaoui Bennani|Bennany El_Idrissi|Idrissi|Al_Idrissi
    Benjelloun|Ben_Jelloun|Bin_Jelloun Tazi|Tazy Berrada|Berada Chraibi|Chraïbi
    El_Amrani|Amrani|Al_Amrani Ouazzani|Wazzani|El_Ouazzani Benali|Ben_Ali|Bin_Ali
    Benkirane|Ben_Kirane El_Fassi|Fassi|Al_Fassi Lahlou|Lahlu Sebti|Sebty Kettani|El_Kettani
    Naciri|Nasiri|En-Naciri Bouzidi|Bouzidy Ait_Ouahmane|Aït_Ouahmane Zniber|Zenibar
    Mernissi|Mernisi Benslimane|Ben_Slimane El_Khatib|Khatib|Al_Khatib Haddad|Hadad
    El_Mansouri|Mansouri Hajji|El_Hajji|Hadji Cherkaoui|Charkaoui Guessous|Guessouss
    Filali|El_Filali Benmoussa|Ben_Moussa Bennis|Benis Rahmouni|Rahmani Tahiri|Et-Tahiri
    Saadi|Es-Saadi|Saâdi Karimi|Karimy Hamdaoui|Hamdawi Ouali|Wali Mouline|Moulin
    Belkadi|Belkady Boukhari|El_Boukhari Jabri|Jabry Kabbaj|Kabaj Moussaoui|Moussawi
    Ziani|Zyani Chafik|Chafiq Tounsi|Tounssi Zerouali|Zeroual Rifai|Rifaï|Er-Rifai
    Sahli|Sahly Skalli|Sqalli Bensouda|Ben_Souda Bekkali|Bakkali|El_Bakkali
    Yacoubi|Yaacoubi|El_Yacoubi Daoudi|Daoudy Boutaleb|Bou_Taleb Mekouar|Mekouare
    Lazrak|Lazraq Benhima|Ben_Hima Ouchen|Ouchene Ammari|El_Ammari Chaoui|Chaouy
    Soussi|Es-Soussi Slaoui|Slawi Benyahia|Ben_Yahia Bouazza|Bouaza Ait_Taleb|Aït_Taleb
    Oulad_Ali|Ouled_Ali Berrechid|Berchid Doukkali|Doukali Zemmouri|Zemouri Harrak|Harak
    Ennaji|En-Naji Belhaj|Belhadj Nejjar|Najjar Fikri|Fikry Benabdellah|Ben_Abdellah"""
)
# Family names are written with "_" inside the list above; the space is restored here.
FAMILY = [[v.replace("_", " ") for v in entry] for entry in FAMILY]

ROOTS = """Atlas Amal Nour Sahara Rif Anfa Zitoune Argane Oasis Majd Baraka Andalous Menara
Koutoubia Saada Firdaous Najah Wafa Salam Fajr Chourouk Hilal Rayane Iris Horizon Avenir
Progrès Espoir Étoile Soleil Palmier Cèdre Océan Atlantique Méditerranée Orient Maghreb Sebou
Bouregreg Tensift Moulouya Toubkal Ifrane Zagora Tafilalet Chellah Oudaya Volubilis Lixus
Mogador Tamuda Amazigh Tifawin Tizi Amane Tawfik Rahma Ikhlas Itqane Inara Diyar Riad Kasbah
Medina Nakhil Rimal Jawhara Yakout Fairouz Badr Najm Qamar Chams Sama Bahr Jabal Wadi Nahda
Tanmia Ittihad Assafa Amana Rawd Bassatine Safran Louz Tamr Jasmin Lotus Phénix Alpha Omega
Delta Sigma Gamma Prima Optima Nova Néo Global Inter Trans Euro Afri Médi Ibtikar Tadamoun
Ouarda Sakina Hikma Mizane Nibras Manar Masira Tahaddi Taqaddom Imtiaz Moustakbal Kawkab
Yasmine Ghali Nasr Fath Oumnia Bouchra Hanae Arij Dalia Lina Rita Ines Adam Rayan Aya Malak
Zouhour Ward Nada Basma Sakhr Saqr Nesr Fahd Asad Nimr Ghazal Jamal Hayat Ikram Karam Jood
Kenz Dorr Marjane Fanar Minaret Qasr Borj Dar Bab Souk Rahba Saha Feddane Mansour Idrissia
Mérinide Saadienne Almohade Almoravide Alaouite Berbère Sahel Souss Haouz Gharb Doukkala
Chaouia Tadla Drâa Ziz Ghir Massa Loukkos Martil Smir Nador Saïdia Tétouan Dakhla Boujdour"""
ROOTS_LIST = _words(ROOTS)

SECTION_WORDS: dict[str, list[str]] = {
    "A": _words("Agri|Agricole|Élevage|Ferme|Domaine|Agro|Primeurs|Oléicole|Agrumes", "|"),
    "B": _words("Carrières|Mines|Extraction|Granulats|Marbre", "|"),
    "C": _words(
        "Industrie|Industries|Textile|Confection|Plast|Métal|Menuiserie|Agro-Industrie|"
        "Emballage|Imprimerie|Mécanique|Chaussures|Meubles|Céramique|Aluminium|Conserves",
        "|",
    ),
    "D": _words("Énergie|Solaire|Électricité|Énergies Renouvelables", "|"),
    "E": _words("Environnement|Eau|Recyclage|Assainissement|Propreté", "|"),
    "F": _words(
        "Travaux|Construction|BTP|Bâtiment|Génie Civil|Aménagement|Électricité Générale|"
        "Plomberie|Étanchéité|Travaux Divers|Peinture|Carrelage",
        "|",
    ),
    "G": _words(
        "Négoce|Distribution|Commerce|Import Export|Trading|Market|Alimentation Générale|"
        "Quincaillerie|Droguerie|Matériaux|Pièces Auto|Fournitures|Équipement|Auto|Moto|"
        "Électroménager|Parfumerie|Textile Distribution|Papeterie",
        "|",
    ),
    "H": _words(
        "Transport|Logistique|Messagerie|Fret|Transit|Transport Touristique|Location Camions", "|"
    ),
    "I": _words("Hôtel|Restaurant|Café|Traiteur|Résidence|Snack|Maison d'Hôtes", "|"),
    "J": _words("Informatique|Digital|Technologies|Télécom|Média|Software|Web|Data|Systèmes", "|"),
    "K": _words("Finance|Invest|Capital|Assurances|Courtage|Participations", "|"),
    "L": _words("Immobilier|Immo|Promotion Immobilière|Habitat|Résidences|Foncière", "|"),
    "M": _words(
        "Conseil|Consulting|Études|Ingénierie|Architecture|Expertise|Audit|Fiduciaire|"
        "Communication|Topographie|Marketing",
        "|",
    ),
    "N": _words(
        "Services|Nettoyage|Gardiennage|Sécurité|Intérim|Location|Voyages|Multiservices", "|"
    ),
    "O": _words("Services Publics|Gestion Déléguée", "|"),
    "P": _words("École|Institut|Formation|Académie|Centre de Formation|Groupe Scolaire", "|"),
    "Q": _words("Clinique|Santé|Médical|Laboratoire|Centre Médical|Radiologie", "|"),
    "R": _words("Events|Loisirs|Sport|Production|Spectacles|Studio", "|"),
    "S": _words("Services|Pressing|Coiffure|Beauté|Réparation|Esthétique", "|"),
    "T": _words("Services à Domicile|Ménage", "|"),
    "U": _words("Représentation|Mission", "|"),
}

COINED_SYLLABLES = _words("""So Ma Co Tra Bat Sud Dis Tex Pro Mar Gé Nor Cas Ra Fe Ta Me Di Vi Lo
Ka Bi Tu Sa Ri Mo Do Ga Ni Pa Ce Li Mi Ro Za""")

RELATIONS = ["Frères", "& Fils", "et Associés", "& Cie", "Holding", "Groupe"]

PLACE_WORDS = _words("""Maroc Sud Nord Atlas Casablanca Rabat Tanger Fès Marrakech Agadir Oriental
Souss Centre Est Ouest Rif Sahara Méditerranée Atlantique""")

SUFFIXES = _words("""Plus Pro Invest Services Group II III International Consulting Company Partners
Maroc Sud Nord 2000 Premium Experts Solutions Center""")

STREETS_TEXT = """Mohammed V|Hassan II|Zerktouni|Abdelmoumen|Al Massira|Moulay Youssef|Ibn Sina|Ibn
Battouta|Al Qods|Allal El Fassi|Moulay Ismail|Ghandi|Anfa|Al Amir Abdelkader|Oued Sebou|
Mohammed VI|Al Fida|Al Wahda|Annasr|Al Andalous|Imam Malik|Yacoub El Mansour"""
STREETS = _words(STREETS_TEXT, "|")
STREET_KINDS = ["Rue", "Avenue", "Bd", "Boulevard", "Lot.", "Résidence", "Angle"]
QUARTERS = _words(
    """Hay Salam|Hay Mohammadi|Maarif|Hay Riad|Agdal|Gueliz|Sidi Maarouf|Ain Sebaa|Hay
Hassani|Zone Industrielle|Quartier Industriel|Centre Ville|Hay Nahda|Massira|Bensouda|Dakhla|
Al Qods|Al Fath|Tabriquet|Youssoufia""",
    "|",
)

# Written forms of each legal form as partners type them (the first one is canonical).
LEGAL_FORM_WRITINGS: dict[str, list[str]] = {
    "SARL": ["SARL", "S.A.R.L", "S.A.R.L.", "Sarl", "SARL."],
    "SARL_AU": ["SARL AU", "SARLAU", "S.A.R.L A.U", "SARL A.U.", "SARL D'ASSOCIE UNIQUE"],
    "SA": ["SA", "S.A", "S.A."],
    "SNC": ["SNC", "S.N.C", "S.N.C."],
    "SAS": ["SAS", "S.A.S", "S.A.S."],
    "PP": ["Personne physique", "PERSONNE PHYSIQUE", "Personne Physique", "personne physique"],
}
COMPANY_PREFIXES = ["STE", "Sté", "Société", "STE.", "Ste"]
TRADER_PREFIXES = ["ETS", "Ets", "Établissements", "Etablissements"]

# Long words and their abbreviations, as they appear in administrative files.
ABBREVIATIONS: list[tuple[str, str]] = [
    ("Société", "Sté"),
    ("Établissements", "Ets"),
    ("Etablissements", "Ets"),
    ("Distribution", "Distrib"),
    ("International", "Intl"),
    ("Construction", "Const"),
    ("Transport", "Transp"),
    ("Import Export", "Imp Exp"),
    ("Compagnie", "Cie"),
    ("Générale", "Gle"),
    ("Travaux", "Trx"),
    ("Services", "Serv"),
    ("Industrie", "Ind"),
    ("Immobilier", "Immo"),
    ("Consulting", "Consult"),
    ("Technologies", "Tech"),
]

# Transliteration swaps applied to rendered names (regular expressions, RE2 syntax).
TRANSLITERATIONS: list[tuple[str, str]] = [
    (r"\bMohamed\b", "Mohammed"),
    (r"\bEl ", "Al "),
    (r"\bBen ", "Bin "),
    (r"\bAl ", "El "),
    (r"\bYoussef\b", "Youssouf"),
    (r"\bOu", "W"),
    (r"\bMohamed\b", "Mhamed"),
    (r"ss\b", "s"),
    (r"\bAbdel", "Abd El "),
    (r"i\b", "y"),
]

EMAIL_DOMAINS = ["gmail.com", "yahoo.fr", "hotmail.com", "menara.ma", "outlook.fr"]
