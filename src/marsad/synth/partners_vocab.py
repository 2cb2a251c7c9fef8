"""What firms of the synthetic economy can supply and need: the hidden concepts of linkage.

Each concept is a kind of good or service exchanged between enterprises (machining,
packaging, industrial cleaning, ...). It is latent: suppliers hold it as a capability,
buyers as an input need, and profiles only express it through noisy words. A concept has:

- ``kind``: ``b`` business (supply or subcontracting) or ``t`` technology;
- ``reach``: how far a supplier can serve a buyer (``L`` same region, ``R`` within about
  400 km, ``N`` anywhere);
- ``suppliers`` and ``buyers``: NMA divisions where suppliers and buyers usually are (an
  enterprise of another division may hold or need the concept too);
- ``tags``; ``phrases``: French ways of writing it (synonyms); ``arabic``: the Arabic
  wording and its Latin transliterations; ``specialties``: hidden sub-kinds (a buyer
  needs one, a supplier masters some).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    key: str
    kind: str
    reach: str
    suppliers: tuple[str, ...]
    buyers: tuple[str, ...]
    tags: tuple[str, ...]
    phrases: tuple[str, ...]
    arabic: tuple[str, ...]  # Arabic script first, then transliterations
    specialties: tuple[str, ...]
    subcontracting: bool = False


def _c(spec: str, subcontracting: bool = False) -> Concept:
    key, kind, reach, sup, buy, tags, phrases, arabic, specs = (p.strip() for p in spec.split("|"))

    def items(text: str) -> tuple[str, ...]:
        return tuple(x.strip() for x in text.split(";") if x.strip())

    return Concept(
        key,
        kind,
        reach,
        tuple(sup.split()),
        tuple(buy.split()),
        items(tags),
        items(phrases),
        items(arabic),
        items(specs),
        subcontracting,
    )


CONCEPTS: tuple[Concept, ...] = (
    _c(
        "packaging|b|N|17 22|10 11 20 21 46 47|emballage;carton;packaging|emballages en carton "
        "ondulé;conditionnement et packaging carton;cartonnage et caisses américaines|تغليف;"
        "taghlif;tghlif|alimentaire;pharmaceutique;export",
        True,
    ),
    _c(
        "plastics|b|N|22|27 29 30 32 10|plasturgie;injection plastique;moules|injection de "
        "pièces plastiques;plasturgie et moulage par injection;pièces en polymère moulées|"
        "حقن البلاستيك;hakn al plastik;haqn plastique|automobile;électroménager;médical",
        True,
    ),
    _c(
        "machining|b|N|25 28 33|29 30 28 24|usinage;cnc;mécanique de précision|usinage de pièces "
        "mécaniques sur commande numérique;tournage fraisage cnc;mécanique de précision et "
        "outillage|تشغيل المعادن;tachghil al maadin;tashghil maaden|aéronautique;automobile;"
        "outillage",
        True,
    ),
    _c(
        "metalwork|b|R|25 43|41 42 24 35 19|chaudronnerie;soudure;charpente métallique|"
        "chaudronnerie et soudure industrielle;fabrication de charpentes métalliques;"
        "tôlerie et structures acier|تلحيم;talhim;tilhim|inox;charpente;tuyauterie",
        True,
    ),
    _c(
        "wiring|b|N|27 29|29 30|câblage;faisceaux électriques;connectique|câblage et faisceaux "
        "électriques;assemblage de faisceaux pour véhicules;connectique et cordons|أسلاك "
        "كهربائية;aslak kahrabaiya;asslak kahraba|automobile;ferroviaire;aéronautique",
        True,
    ),
    _c(
        "garments|b|N|13 14|14 46 47|confection;couture;textile|confection de vêtements en "
        "série;atelier de couture à façon;sous-traitance textile et habillement|خياطة;khiyata;"
        "khyata|denim;maille;prêt-à-porter",
        True,
    ),
    _c(
        "leather|b|N|15|15 46 47|maroquinerie;cuir;chaussures|maroquinerie et articles en cuir;"
        "travail du cuir à façon;fabrication de sacs et ceintures en cuir|جلد;jild;jeld|"
        "chaussure;sacs;ameublement",
        True,
    ),
    _c(
        "cleaning|b|L|81|10 29 35 55 86 47 64|nettoyage;hygiène;propreté|nettoyage industriel "
        "et de bureaux;entretien et hygiène des locaux;services de propreté|تنظيف;tandif;"
        "tanzif|bureaux;usines;hôpitaux",
    ),
    _c(
        "security|b|L|80|47 55 64 68 86 52|gardiennage;sécurité;surveillance|gardiennage et "
        "surveillance de sites;agents de sécurité;protection et télésurveillance|حراسة;"
        "hirassa;hirasa|sites industriels;commerces;événements",
    ),
    _c(
        "catering|b|L|56|29 30 10 85 86 24|restauration collective;traiteur;cantine|"
        "restauration collective d'entreprise;service traiteur et plateaux repas;gestion de "
        "cantine|إطعام;itaam;it3am|usines;écoles;séminaires",
    ),
    _c(
        "cold_transport|b|R|49 52|10 11 03 01 46|transport frigorifique;froid;camion frigo|"
        "transport frigorifique de denrées;livraison sous température dirigée;logistique du "
        "froid|نقل مبرد;naql mobarrad;nakl moubarad|produits laitiers;poisson;fruits",
    ),
    _c(
        "road_freight|b|N|49|46 23 24 20 10|transport routier;marchandises;fret|transport "
        "routier de marchandises;fret et messagerie;affrètement de camions|نقل البضائع;naql "
        "al badaie;nakl badaia|vrac;palettes;conteneurs",
    ),
    _c(
        "warehousing|b|R|52|46 47 10 29|entreposage;stockage;logistique|entreposage et "
        "stockage de marchandises;plateforme logistique et préparation de commandes;location "
        "d'entrepôts|تخزين;takhzin;takhzine|sous douane;vrac;préparation de commandes",
    ),
    _c(
        "software|b|N|62|64 65 61 47 49 86|développement logiciel;informatique;applications|"
        "développement de logiciels sur mesure;conception d'applications web et mobiles;"
        "édition de solutions informatiques|برمجيات;barmajiyat;barmajiat|web;mobile;finance",
    ),
    _c(
        "it_services|b|R|62 95|64 69 85 86 47|maintenance informatique;réseaux;parc "
        "informatique|maintenance du parc informatique;installation de réseaux et câblage "
        "informatique;infogérance et support|صيانة الحواسيب;siyanat al hawassib;syana "
        "hawasib|réseaux;serveurs;postes",
    ),
    _c(
        "maintenance|b|R|33 43|10 20 23 24 35 22|maintenance industrielle;dépannage;machines|"
        "maintenance industrielle préventive;dépannage et réparation de machines;entretien "
        "des équipements de production|صيانة صناعية;siyana sinaiya;syana sinaia|"
        "hydraulique;électromécanique;froid industriel",
        True,
    ),
    _c(
        "electrical|b|R|43|41 55 68 47 86|électricité;installation électrique;tableaux|"
        "travaux d'installation électrique;électricité bâtiment et tableaux;courant fort et "
        "courant faible|كهرباء;kahraba;kahrabaa|bâtiment;industriel;éclairage",
    ),
    _c(
        "plumbing|b|R|43|41 55 86 68|plomberie;climatisation;chauffage|plomberie et "
        "sanitaire;climatisation et ventilation;installation de chauffage|ترصيص;tarsis;"
        "tersis|climatisation;sanitaire;froid",
    ),
    _c(
        "finishing|b|L|43|41 68 55|peinture;revêtement;finitions|peinture et revêtements "
        "de bâtiment;travaux de finition et enduits;pose de carrelage et faux plafonds|صباغة;"
        "sbagha;sibagha|façades;intérieur;étanchéité",
    ),
    _c(
        "concrete|b|R|23 08|41 42 43|béton;agrégats;matériaux de construction|béton prêt à "
        "l'emploi;fourniture d'agrégats et sable;matériaux de construction en gros|خرسانة;"
        "kharasana;khrasana|béton;agrégats;préfabriqué",
    ),
    _c(
        "printing|b|N|18 73|47 58 85 64 21|impression;imprimerie;offset|impression offset et "
        "numérique;travaux d'imprimerie;impression d'étiquettes et catalogues|طباعة;tibaa;"
        "tibaaa|étiquettes;catalogues;grand format",
        True,
    ),
    _c(
        "advertising|b|N|73|47 55 64 61 11|publicité;marketing;communication|agence de "
        "publicité et communication;marketing digital et réseaux sociaux;conception de "
        "campagnes publicitaires|إشهار;ichhar;ishhar|digital;affichage;événementiel",
    ),
    _c(
        "accounting|b|R|69|46 47 41 56|comptabilité;fiscalité;audit|tenue de comptabilité "
        "et déclarations fiscales;expertise comptable;audit et commissariat aux comptes|"
        "محاسبة;mohassaba;muhasaba|paie;fiscalité;audit",
    ),
    _c(
        "engineering|b|N|71|41 42 35 36|bureau d'études;ingénierie;topographie|bureau "
        "d'études techniques;ingénierie et suivi de chantiers;études topographiques|دراسات "
        "هندسية;dirassat handassiya;dirasat handasia|génie civil;fluides;topographie",
    ),
    _c(
        "training|b|R|85|29 64 86 53 47|formation;formation professionnelle;compétences|"
        "formation professionnelle continue;formation des salariés et ateliers;"
        "développement des compétences|تكوين;takwin;takouine|sécurité;management;langues",
    ),
    _c(
        "translation|b|N|74|79 64 69 52|traduction;interprétariat;rédaction|traduction de "
        "documents techniques;interprétariat et traduction assermentée;traduction et "
        "localisation|ترجمة;tarjama;tarjamah|juridique;technique;anglais",
    ),
    _c(
        "fresh_produce|b|R|01 46|10 56 55|fruits et légumes;produits frais;approvisionnement|"
        "fourniture de fruits et légumes frais;approvisionnement en produits agricoles;"
        "produits frais pour la restauration|خضر وفواكه;khodar wa fawakih;khudar fawakih|"
        "agrumes;primeurs;bio",
    ),
    _c(
        "argan|b|N|10 01|46 47 20|huile d'argan;huiles;cosmétique|huile d'argan et huiles "
        "végétales;production d'huile d'argan cosmétique;huiles naturelles en vrac|زيت "
        "الأركان;zit argan;zayt al argane|cosmétique;alimentaire;bio",
    ),
    _c(
        "joinery|b|R|16 31|41 55 85 47|menuiserie;mobilier;bois|menuiserie bois et "
        "agencement;fabrication de mobilier sur mesure;menuiserie et ébénisterie|نجارة;"
        "nijara;njara|bureaux;hôtels;cuisines",
        True,
    ),
    _c(
        "workwear|b|N|14|29 30 86 53 80 24|vêtements de travail;uniformes;epi|vêtements de "
        "travail et uniformes;équipements de protection individuelle;tenues professionnelles "
        "brodées|ملابس العمل;malabis al amal;malabiss 3amal|industrie;santé;hôtellerie",
        True,
    ),
    _c(
        "solar|b|R|43 35 27|01 10 55 68|photovoltaïque;énergie solaire;panneaux|installation "
        "de panneaux photovoltaïques;énergie solaire et pompage;centrales solaires en "
        "toiture|طاقة شمسية;taqa chamsiya;taka shamsia|pompage;toiture;autoconsommation",
    ),
    _c(
        "recycling|b|R|38 39|10 20 22 29|déchets;recyclage;valorisation|collecte et recyclage "
        "des déchets industriels;valorisation des déchets;gestion des déchets dangereux|"
        "تدوير النفايات;tadwir annifayat;tadouir nifayat|plastique;métaux;dangereux",
    ),
    _c(
        "events|b|N|82 93 79|64 61 21 47|événementiel;salons;séminaires|organisation "
        "d'événements et de séminaires;stands pour salons professionnels;agence événementielle|"
        "تنظيم الحفلات;tandim al hafalat;tanzim hafalat|salons;séminaires;lancements",
    ),
    _c(
        "call_centre|b|N|82|61 64 65 47|centre d'appels;relation client;télévente|centre "
        "d'appels et relation client;externalisation de la relation client;télévente et "
        "télémarketing|مركز الاتصال;markaz al ittisal;markaz ittissal|français;arabe;espagnol",
    ),
    _c(
        "embedded|t|N|26 62 72|29 27 35 01|systèmes embarqués;capteurs;iot|systèmes "
        "embarqués et objets connectés;capteurs et électronique embarquée;solutions iot "
        "industrielles|أنظمة مدمجة;andima mudmaja;andhima moudmaja|automobile;énergie;"
        "agriculture",
    ),
    _c(
        "erp|t|N|62 63|46 10 25 49|erp;digitalisation;gestion intégrée|progiciel de gestion "
        "intégré erp;digitalisation des processus;transformation numérique des pme|رقمنة;"
        "raqmana;rakmana|stocks;production;finance",
    ),
    _c(
        "water|t|N|36 37 71 72|10 11 20 35|traitement des eaux;épuration;dessalement|"
        "traitement des eaux industrielles;stations d'épuration compactes;dessalement et "
        "osmose inverse|معالجة المياه;mouaalajat al miyah;muaalaja miyah|osmose;"
        "boues;réutilisation",
    ),
    _c(
        "irrigation|t|N|28 46 72|01 10|irrigation;goutte à goutte;agritech|irrigation "
        "localisée goutte à goutte;pilotage de l'irrigation par capteurs;solutions agritech|"
        "السقي بالتنقيط;saqi bi tanqit;sakyi tankit|maraîchage;arboriculture;serres",
    ),
    _c(
        "laboratory|t|N|71 72|10 20 21 11|analyses;laboratoire;contrôle qualité|analyses de "
        "laboratoire et contrôle qualité;essais physico-chimiques;analyses microbiologiques|"
        "تحاليل مخبرية;tahalil makhbariya;tahalil makhbaria|microbiologie;chimie;"
        "métrologie",
    ),
    _c(
        "prototyping|t|N|25 72 32|29 30 32 27|prototypage;impression 3d;fabrication additive|"
        "prototypage rapide et impression 3d;fabrication additive de pièces;conception et "
        "prototypes|طباعة ثلاثية الأبعاد;tibaa thulathiya;tibaa tolatia|métal;polymère;"
        "moules",
    ),
)

FILLERS = (
    "Entreprise réactive, délais respectés.",
    "Équipe qualifiée et expérimentée.",
    "Références auprès de grands comptes.",
    "Devis rapide sur demande.",
    "Interlocuteur unique et suivi personnalisé.",
    "Prix compétitifs.",
    "Qualité et respect des normes.",
    "Disponible pour des visites de site.",
)
OFFER_OPENINGS = ("Nous proposons", "Spécialiste en", "Offre :", "Savoir-faire :", "")
REQUEST_OPENINGS = {
    "subcontracting_request": ("Recherche sous-traitant pour", "Sous-traitance :", "Besoin :"),
    "business_request": ("Recherche fournisseur pour", "Appel à fournisseurs :", "Besoin :"),
    "technology_request": ("Recherche partenaire technologique :", "Besoin technologique :"),
}
CERTIFICATIONS = ("ISO 9001", "ISO 14001", "ISO 45001", "IATF 16949", "ONSSA", "HACCP")
SECTOR_CERTIFICATION = {"29": "IATF 16949", "30": "IATF 16949", "10": "ONSSA", "11": "HACCP"}
