"""Places of the independent economy: regions, cities, communes, registry courts.

Each city belongs to one region and one registry court (the commercial court where there
is one, otherwise the court of first instance that keeps the local trade register). A city
lists its communes (urban districts or neighbouring communes); the first one is the
commune the city itself is usually known by. Spelling variants are the ones seen in
extracts typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

# Share of legal persons per region (percent, before normalisation), then the share used
# for natural-person traders and auto-entrepreneurs, which are less concentrated.
REGION_WEIGHT_FIRMS: dict[str, float] = {
    "01": 11.4, "02": 4.4, "03": 7.6, "04": 14.8, "05": 2.9, "06": 38.6,
    "07": 8.1, "08": 1.7, "09": 6.2, "10": 1.2, "11": 1.8, "12": 1.3,
}  # fmt: skip
REGION_WEIGHT_PERSONS: dict[str, float] = {
    "01": 11.0, "02": 6.5, "03": 10.5, "04": 13.0, "05": 5.5, "06": 26.0,
    "07": 10.5, "08": 4.0, "09": 7.5, "10": 2.2, "11": 2.0, "12": 1.3,
}  # fmt: skip


@dataclass(frozen=True)
class City:
    """A city with its region, registry court, relative weight and communes."""

    region: str
    name: str
    court: str
    weight: float
    communes: tuple[str, ...]


def _c(region: str, name: str, court: str, weight: float, *communes: str) -> City:
    return City(region, name, court, weight, communes or (name,))


CITIES: tuple[City, ...] = (
    # 01 Tanger-Tetouan-Al Hoceima
    _c("01", "Tanger", "TANGER", 60, "Tanger", "Gzenaya", "Charf Mghogha", "Beni Makada"),
    _c("01", "Tetouan", "TETOUAN", 15, "Tetouan", "Martil", "Mdiq"),
    _c("01", "Larache", "LARACHE", 6, "Larache", "Ksar El Kebir"),
    _c("01", "Al Hoceima", "ALHOCEIMA", 5, "Al Hoceima", "Imzouren"),
    _c("01", "Chefchaouen", "TETOUAN", 3),
    _c("01", "Fnideq", "TETOUAN", 4),
    _c("01", "Asilah", "TANGER", 3),
    _c("01", "Ouezzane", "LARACHE", 2),
    # 02 Oriental
    _c("02", "Oujda", "OUJDA", 45, "Oujda", "Oujda Angad", "Bni Drar"),
    _c("02", "Nador", "NADOR", 30, "Nador", "Selouane", "Beni Ensar", "Zeghanghane"),
    _c("02", "Berkane", "OUJDA", 12, "Berkane", "Saidia"),
    _c("02", "Taourirt", "OUJDA", 6),
    _c("02", "Guercif", "TAZA", 4),
    _c("02", "Jerada", "OUJDA", 2),
    # 03 Fes-Meknes
    _c("03", "Fes", "FES", 50, "Fes", "Fes Agdal", "Fes Medina", "Saiss", "Zouagha", "Mechouar"),
    _c("03", "Meknes", "MEKNES", 28, "Meknes", "Al Ismailia", "Toulal"),
    _c("03", "Taza", "TAZA", 7),
    _c("03", "Sefrou", "FES", 4),
    _c("03", "Ifrane", "MEKNES", 3, "Ifrane", "Azrou"),
    _c("03", "El Hajeb", "MEKNES", 3),
    _c("03", "Taounate", "FES", 3),
    _c("03", "Moulay Yacoub", "FES", 2),
    # 04 Rabat-Sale-Kenitra
    _c(
        "04", "Rabat", "RABAT", 40, "Rabat", "Agdal Riyad", "Hassan", "Souissi", "Yacoub El Mansour"
    ),
    _c("04", "Sale", "SALE", 18, "Sale", "Bettana", "Tabriquet", "Sidi Bouknadel"),
    _c("04", "Temara", "TEMARA", 14, "Temara", "Skhirate", "Ain Aouda", "Harhoura"),
    _c("04", "Kenitra", "KENITRA", 18, "Kenitra", "Mehdia"),
    _c("04", "Khemisset", "KHEMISSET", 5, "Khemisset", "Tiflet"),
    _c("04", "Sidi Kacem", "KENITRA", 3),
    _c("04", "Sidi Slimane", "KENITRA", 2),
    # 05 Beni Mellal-Khenifra
    _c("05", "Beni Mellal", "BENIMELLAL", 40, "Beni Mellal", "Fquih Ben Salah", "Kasba Tadla"),
    _c("05", "Khouribga", "KHOURIBGA", 30, "Khouribga", "Oued Zem", "Bejaad"),
    _c("05", "Khenifra", "KHENIFRA", 18, "Khenifra", "Mrirt"),
    _c("05", "Azilal", "BENIMELLAL", 12),
    # 06 Casablanca-Settat
    _c(
        "06",
        "Casablanca",
        "CASA",
        70,
        "Casablanca",
        "Anfa",
        "Maarif",
        "Sidi Belyout",
        "Ain Sebaa",
        "Hay Mohammadi",
        "Sidi Bernoussi",
        "Ain Chock",
        "Hay Hassani",
        "Ben Msik",
        "Moulay Rachid",
        "Sidi Othmane",
        "Al Fida",
        "Mers Sultan",
        "Sidi Moumen",
        "Roches Noires",
    ),
    _c("06", "Mohammedia", "MOHAMMEDIA", 7, "Mohammedia", "Ain Harrouda", "Beni Yakhlef"),
    _c("06", "Dar Bouazza", "CASA", 3, "Dar Bouazza", "Oulad Azzouz"),
    _c("06", "Bouskoura", "CASA", 3, "Bouskoura", "Nouaceur"),
    _c("06", "Mediouna", "CASA", 2, "Mediouna", "Tit Mellil", "Lahraouyine"),
    _c("06", "Berrechid", "BERRECHID", 4, "Berrechid", "Had Soualem", "Deroua"),
    _c("06", "Settat", "SETTAT", 3, "Settat", "Ben Ahmed"),
    _c("06", "El Jadida", "ELJADIDA", 5, "El Jadida", "Azemmour", "Moulay Abdallah"),
    _c("06", "Benslimane", "MOHAMMEDIA", 1.5, "Benslimane", "Bouznika"),
    _c("06", "Sidi Bennour", "ELJADIDA", 1.5),
    # 07 Marrakech-Safi
    _c(
        "07",
        "Marrakech",
        "MARRAKECH",
        60,
        "Marrakech",
        "Menara",
        "Gueliz",
        "Sidi Youssef Ben Ali",
        "Annakhil",
        "Mechouar Kasba",
        "Tassoultante",
    ),
    _c("07", "Safi", "SAFI", 12),
    _c("07", "Essaouira", "ESSAOUIRA", 7),
    _c("07", "El Kelaa des Sraghna", "MARRAKECH", 6),
    _c("07", "Youssoufia", "SAFI", 4),
    _c("07", "Chichaoua", "MARRAKECH", 3),
    _c("07", "Ait Ourir", "MARRAKECH", 3, "Ait Ourir", "Tahannaout"),
    # 08 Draa-Tafilalet
    _c("08", "Errachidia", "ERRACHIDIA", 35, "Errachidia", "Erfoud", "Rissani"),
    _c("08", "Ouarzazate", "OUARZAZATE", 30, "Ouarzazate", "Tarmigt"),
    _c("08", "Zagora", "OUARZAZATE", 15),
    _c("08", "Tinghir", "OUARZAZATE", 12, "Tinghir", "Kelaat Mgouna"),
    _c("08", "Midelt", "ERRACHIDIA", 8),
    # 09 Souss-Massa
    _c("09", "Agadir", "AGADIR", 55, "Agadir", "Anza", "Tikiouine", "Bensergao"),
    _c("09", "Inezgane", "INEZGANE", 20, "Inezgane", "Ait Melloul", "Dcheira El Jihadia"),
    _c("09", "Taroudant", "TAROUDANT", 10, "Taroudant", "Oulad Teima"),
    _c("09", "Tiznit", "TIZNIT", 8),
    _c("09", "Biougra", "INEZGANE", 4),
    _c("09", "Tata", "TIZNIT", 3),
    # 10 Guelmim-Oued Noun
    _c("10", "Guelmim", "GUELMIM", 60),
    _c("10", "Tan-Tan", "GUELMIM", 25),
    _c("10", "Sidi Ifni", "GUELMIM", 15),
    # 11 Laayoune-Sakia El Hamra
    _c("11", "Laayoune", "LAAYOUNE", 80, "Laayoune", "El Marsa"),
    _c("11", "Boujdour", "LAAYOUNE", 12),
    _c("11", "Smara", "LAAYOUNE", 8),
    # 12 Dakhla-Oued Ed-Dahab
    _c("12", "Dakhla", "DAKHLA", 95),
    _c("12", "Aousserd", "DAKHLA", 5),
)

# Hand-typed spellings of commune and city names (keyed by the usual spelling).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Casablanca": ("Casa", "CASABLANCA", "Dar El Beida", "Casablanca Ville"),
    "Anfa": ("CASABLANCA ANFA", "Casa Anfa", "Anfa Casablanca"),
    "Maarif": ("Maârif", "El Maarif", "CASABLANCA MAARIF"),
    "Sidi Belyout": ("Sidi Belyout Casablanca", "Sidi Bel Yout", "Sidi Beliout"),
    "Ain Sebaa": ("Aïn Sebaâ", "Ain Sbaa", "Ain Seba"),
    "Hay Mohammadi": ("Hay Mohamadi", "Hay Al Mohammadi"),
    "Sidi Bernoussi": ("Sidi Bernoussi Zenata", "Bernoussi", "Sidi Barnoussi"),
    "Ain Chock": ("Aïn Chock", "Ain Chok", "Ain Choc"),
    "Hay Hassani": ("Hay Hasani", "Hay El Hassani"),
    "Ben Msik": ("Ben M'sik", "Ben Msick", "Benmsik"),
    "Moulay Rachid": ("My Rachid", "Moulay Rachid Casablanca"),
    "Sidi Othmane": ("Sidi Otmane", "Sidi Outhmane"),
    "Al Fida": ("El Fida", "Al Fida Mers Sultan"),
    "Mers Sultan": ("Mers Soltane", "Merss Sultan"),
    "Sidi Moumen": ("Sidi Moumen Casablanca", "Sidi Mumen"),
    "Roches Noires": ("Assoukhour Assawda", "Roche Noire"),
    "Dar Bouazza": ("Dar Bouaza", "Dar-Bouazza", "DAR BOUAZZA NOUACEUR"),
    "Bouskoura": ("Bouskora", "Bouskoura Ville Verte"),
    "Tit Mellil": ("Tit-Mellil", "Titmellil"),
    "Mohammedia": ("Mohamedia", "Mohammadia", "Fedala"),
    "Ain Harrouda": ("Aïn Harrouda", "Ain Harouda"),
    "El Jadida": ("Eljadida", "El-Jadida", "Jadida"),
    "Berrechid": ("Berrchid", "Berechid"),
    "Had Soualem": ("Had Swalem", "Had Soualem Berrechid"),
    "Rabat": ("RABAT VILLE", "Rbat"),
    "Agdal Riyad": ("Agdal Ryad", "Rabat Agdal", "Agdal"),
    "Yacoub El Mansour": ("Yaacoub El Mansour", "Yakoub Al Mansour"),
    "Souissi": ("Soussi", "Rabat Souissi"),
    "Sale": ("Salé", "Sla", "SALE VILLE"),
    "Bettana": ("Bab Lamrissa", "Betana"),
    "Tabriquet": ("Tabriket", "Tabrikt"),
    "Temara": ("Témara", "Tmara"),
    "Skhirate": ("Skhirat", "Skhirate Temara"),
    "Kenitra": ("Kénitra", "Knitra", "Qnitra"),
    "Tanger": ("Tangier", "Tanja", "Tangers", "TANGER ASSILAH"),
    "Beni Makada": ("Bni Makada", "Beni Mekada"),
    "Tetouan": ("Tétouan", "Titwan", "Tetuan"),
    "Mdiq": ("M'diq", "Mdik"),
    "Ksar El Kebir": ("Ksar Kebir", "Alcazarquivir"),
    "Al Hoceima": ("Alhoceima", "El Hoceima", "Al Hoceïma"),
    "Fes": ("Fès", "Fez", "FES VILLE"),
    "Fes Agdal": ("Fès Agdal", "Agdal Fes"),
    "Fes Medina": ("Fès Médina", "Medina Fes"),
    "Saiss": ("Saïs", "Sais"),
    "Meknes": ("Meknès", "Miknas", "Meknass"),
    "Al Ismailia": ("Ismailia", "El Ismailia"),
    "Oujda": ("Oujda Ville", "Ouejda"),
    "Oujda Angad": ("Oujda-Angad", "Angad"),
    "Nador": ("Nadour",),
    "Beni Ensar": ("Bni Ansar", "Beni Enzar"),
    "Marrakech": ("Marrakesh", "Marrakch", "Marrakech Medina"),
    "Menara": ("Ménara", "Marrakech Menara"),
    "Gueliz": ("Guéliz", "Gueliz Marrakech"),
    "Sidi Youssef Ben Ali": ("Sidi Youssef Benali", "SYBA"),
    "Annakhil": ("Nakhil", "Al Nakhil", "Ennakhil"),
    "El Kelaa des Sraghna": ("Kelaa Sraghna", "El Kelaa", "Kalaat Sraghna"),
    "Essaouira": ("Mogador", "Essaouira Ville"),
    "Agadir": ("Agadir Ida Outanane", "AGADIR VILLE"),
    "Ait Melloul": ("Aït Melloul", "Ait Meloul"),
    "Dcheira El Jihadia": ("Dcheira", "Dchira"),
    "Inezgane": ("Inzegane", "Inezgane Ait Melloul"),
    "Beni Mellal": ("Béni Mellal", "Bni Mellal"),
    "Fquih Ben Salah": ("Fkih Ben Salah", "Fqih Bensalah"),
    "Khouribga": ("Khribga",),
    "Errachidia": ("Er-Rachidia", "Rachidia", "Ksar Es Souk"),
    "Ouarzazate": ("Warzazat", "Ouarzazat"),
    "Laayoune": ("Laâyoune", "El Aaiun", "Layoune"),
    "Dakhla": ("Ad Dakhla", "Dakhla Oued Eddahab"),
    "Guelmim": ("Goulmim", "Guelmime"),
    "Tan-Tan": ("Tantan", "Tan Tan"),
    "El Hajeb": ("Hajeb",),
    "Sidi Kacem": ("Sidi Qacem",),
    "Youssoufia": ("Youssoufiya", "Louis Gentil"),
}
