"""Activities of the independent economy: NMA 2010 sections, divisions and classes.

Weights are shares in percent by category of enterprise (legal persons, natural-person
traders, auto-entrepreneurs); the divisions of a section carry their own weights and the
classes listed are ordinary ISIC Rev.4 classes of that division.
"""

from __future__ import annotations

# section -> {division: (weight, classes)}
DIVISIONS: dict[str, dict[str, tuple[float, tuple[str, ...]]]] = {
    "A": {"01": (8, ("0111", "0113", "0121", "0141", "0146", "0161")), "02": (1, ("0210",)),
          "03": (1, ("0311", "0321"))},
    "B": {"08": (1, ("0810", "0891"))},
    "C": {"10": (4, ("1010", "1061", "1071", "1079")), "13": (1, ("1392",)),
          "14": (3, ("1410", "1430")), "16": (1, ("1622",)), "18": (1, ("1811",)),
          "22": (1, ("2220",)), "23": (1, ("2395", "2396")), "25": (3, ("2511", "2599")),
          "31": (2, ("3100",)), "33": (1, ("3312",))},
    "D": {"35": (1, ("3510",))},
    "E": {"36": (1, ("3600",)), "37": (1, ("3700",)), "38": (2, ("3811", "3830"))},
    "F": {"41": (5, ("4100",)), "42": (2, ("4210", "4220", "4290")),
          "43": (4, ("4311", "4321", "4322", "4330", "4390"))},
    "G": {"45": (15, ("4510", "4520", "4530")),
          "46": (35, ("4610", "4620", "4630", "4641", "4649", "4659", "4663", "4669", "4690")),
          "47": (50, ("4711", "4719", "4721", "4730", "4741", "4752", "4771", "4772", "4781"))},
    "H": {"49": (7, ("4921", "4922", "4923")), "50": (0.3, ("5012",)),
          "52": (2, ("5210", "5229")), "53": (0.5, ("5320",))},
    "I": {"55": (1, ("5510",)), "56": (4, ("5610", "5621", "5630"))},
    "J": {"58": (0.5, ("5811",)), "59": (1, ("5911",)), "61": (1, ("6110", "6190")),
          "62": (4, ("6201", "6202", "6209")), "63": (1, ("6311",))},
    "K": {"64": (1, ("6419", "6492")), "66": (2, ("6612", "6622"))},
    "L": {"68": (1, ("6810", "6820"))},
    "M": {"69": (3, ("6910", "6920")), "70": (2, ("7020",)), "71": (3, ("7110", "7120")),
          "73": (1, ("7310", "7320")), "74": (1, ("7410", "7490"))},
    "N": {"77": (2, ("7710", "7730")), "78": (1, ("7810", "7820")), "79": (1, ("7911", "7912")),
          "80": (1, ("8010",)), "81": (2, ("8121", "8129", "8130")),
          "82": (1, ("8211", "8220", "8230"))},
    "P": {"85": (1, ("8510", "8521", "8522", "8530", "8549"))},
    "Q": {"86": (3, ("8610", "8620", "8690")), "87": (0.5, ("8710",)), "88": (0.5, ("8890",))},
    "R": {"90": (1, ("9000",)), "93": (2, ("9311", "9312", "9329"))},
    "S": {"94": (0.5, ("9499",)), "95": (2, ("9511", "9521", "9529")),
          "96": (3, ("9601", "9602", "9609"))},
}  # fmt: skip

SECTION_WEIGHT: dict[str, dict[str, float]] = {
    "EPMA": {"A": 2.5, "B": 0.4, "C": 6.6, "D": 0.1, "E": 0.6, "F": 15.0, "G": 33.0,
             "H": 9.2, "I": 5.5, "J": 2.6, "K": 0.8, "L": 4.0, "M": 10.0, "N": 5.5,
             "P": 1.4, "Q": 1.2, "R": 0.6, "S": 1.5},
    "EPPA": {"A": 3.0, "C": 9.0, "F": 7.0, "G": 50.0, "H": 6.0, "I": 10.0, "J": 0.5,
             "M": 3.0, "N": 2.0, "P": 0.5, "Q": 1.0, "R": 0.5, "S": 7.5},
    "AE": {"A": 1.0, "C": 10.0, "F": 4.0, "G": 35.0, "H": 5.0, "I": 5.0, "J": 5.0,
           "M": 8.0, "N": 10.0, "P": 2.0, "R": 1.0, "S": 14.0},
}  # fmt: skip

# Declared object as typed in the trade register, by section.
OBJECTS: dict[str, tuple[str, ...]] = {
    "A": ("Exploitation agricole", "Elevage de bétail", "Agriculture et élevage"),
    "B": ("Exploitation de carrière", "Extraction de sable et gravier"),
    "C": ("Fabrication et vente", "Confection de vêtements", "Menuiserie bois et aluminium",
          "Boulangerie pâtisserie", "Imprimerie et travaux d'édition", "Industrie"),
    "D": ("Production d'énergie solaire", "Installation photovoltaïque"),
    "E": ("Collecte et recyclage des déchets", "Assainissement"),
    "F": ("Travaux divers ou de construction", "Entrepreneur de travaux divers",
          "Travaux de bâtiment", "Promotion et travaux", "Electricité bâtiment"),
    "G": ("Négoce", "Import export", "Commerce de détail", "Marchand en gros",
          "Vente de pièces détachées", "Quincaillerie", "Epicerie", "Commerce général"),
    "H": ("Transport de marchandises pour autrui", "Transport national et international",
          "Logistique et entreposage", "Transport de personnels"),
    "I": ("Restauration", "Café restaurant", "Hôtellerie", "Exploitation d'un riad"),
    "J": ("Développement informatique", "Conseil en systèmes informatiques", "Communication"),
    "K": ("Intermédiaire en assurances", "Transfert d'argent"),
    "L": ("Promotion immobilière", "Location de biens immobiliers", "Marchand de biens"),
    "M": ("Conseil et études", "Bureau d'études", "Expertise comptable", "Architecture"),
    "N": ("Nettoyage", "Gardiennage et sécurité", "Location de voitures sans chauffeur",
          "Agence de voyages", "Organisation d'événements"),
    "P": ("Enseignement privé", "Centre de formation", "Crèche"),
    "Q": ("Clinique", "Laboratoire d'analyses", "Centre de kinésithérapie"),
    "R": ("Salle de sport", "Production audiovisuelle", "Loisirs"),
    "S": ("Salon de coiffure", "Pressing", "Réparation de téléphones", "Réparation"),
}  # fmt: skip

# Auto-entrepreneur activity kind of a section.
AE_KIND: dict[str, str] = {
    "A": "artisanat", "C": "industrie", "F": "artisanat", "G": "commerce", "H": "services",
    "I": "services", "J": "services", "M": "services", "N": "services", "P": "services",
    "R": "services", "S": "services",
}  # fmt: skip
