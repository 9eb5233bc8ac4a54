"""Names and free texts of the demo: where newcomers come from, what follow-ups and endings say."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """A country newcomers come from, the languages spoken there and a few common names."""

    country: str
    weight: int
    languages: tuple[str, ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]


ORIGINS: list[Origin] = [
    Origin(
        "Syrien",
        20,
        ("ar", "ku"),
        ("Amira", "Rasha", "Lina", "Nour", "Hiba", "Rana", "Dima", "Yasmin"),
        ("Ahmad", "Mohammad", "Khaled", "Omar", "Bassam", "Fadi", "Hassan", "Samer"),
        ("Al-Hassan", "Haddad", "Khalil", "Najjar", "Darwish", "Hamdan", "Saleh", "Ibrahim"),
    ),
    Origin(
        "Eritrea",
        12,
        ("ti", "ar"),
        ("Selam", "Helen", "Mebrat", "Saba", "Luwam", "Yordanos"),
        ("Yonas", "Dawit", "Tesfay", "Samuel", "Filmon", "Habtom"),
        ("Tesfamariam", "Ghebremedhin", "Woldu", "Kidane", "Berhane", "Haile"),
    ),
    Origin(
        "Somalia",
        12,
        ("so", "ar"),
        ("Hodan", "Faadumo", "Ayaan", "Hawa", "Sahra", "Ifrah"),
        ("Abdirahman", "Mohamed", "Abdullahi", "Hassan", "Yusuf", "Ali"),
        ("Warsame", "Abdi", "Farah", "Osman", "Jama", "Ahmed"),
    ),
    Origin(
        "Afghanistan",
        14,
        ("prs", "ps", "fa"),
        ("Zahra", "Maryam", "Fatima", "Shabnam", "Nazanin", "Mursal"),
        ("Ali", "Reza", "Mustafa", "Hamid", "Jawad", "Sadiq"),
        ("Ahmadi", "Hosseini", "Rahimi", "Sultani", "Karimi", "Noori"),
    ),
    Origin(
        "Ukraina",
        16,
        ("uk", "ru"),
        ("Olena", "Iryna", "Tetiana", "Natalia", "Oksana", "Yulia", "Kateryna"),
        ("Oleksandr", "Serhii", "Andrii", "Dmytro", "Volodymyr", "Mykola"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko"),
    ),
    Origin(
        "Irak",
        8,
        ("ar", "ku"),
        ("Shirin", "Noor", "Zainab", "Rozhin", "Hana"),
        ("Karwan", "Ali", "Haider", "Mustafa", "Dilan"),
        ("Jaff", "Hamid", "Kareem", "Rashid", "Aziz"),
    ),
    Origin(
        "Iran",
        6,
        ("fa",),
        ("Parisa", "Shirin", "Mahsa", "Leila", "Neda"),
        ("Amir", "Babak", "Kaveh", "Payam", "Saeed"),
        ("Mohammadi", "Hosseini", "Rezaei", "Jafari", "Ahmadi"),
    ),
    Origin(
        "Etiopien",
        4,
        ("am",),
        ("Tigist", "Meron", "Hanna", "Bethlehem"),
        ("Abebe", "Dawit", "Tesfaye", "Getachew"),
        ("Tadesse", "Bekele", "Alemu", "Mekonnen"),
    ),
    Origin(
        "Thailand",
        3,
        ("th",),
        ("Suda", "Nok", "Malee", "Siriporn"),
        ("Somchai", "Anan", "Niran"),
        ("Saetang", "Srisuk", "Chaiyaporn", "Wongsa"),
    ),
    Origin(
        "Polen",
        3,
        ("pl",),
        ("Anna", "Katarzyna", "Agnieszka", "Magdalena"),
        ("Piotr", "Tomasz", "Paweł"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik"),
    ),
    Origin(
        "Turkiet",
        2,
        ("tr", "ku"),
        ("Elif", "Zeynep", "Ayşe"),
        ("Mehmet", "Emre", "Murat"),
        ("Yılmaz", "Kaya", "Demir", "Şahin"),
    ),
]

SWEDISH_COUNTRY = "Sverige"

END_REASONS: list[tuple[str, str, int]] = [
    # reason, outcome, weight
    ("Deltagaren fick en anställning hos en annan arbetsgivare.", "employment", 15),
    ("Deltagaren började studera på komvux.", "studies", 10),
    ("Sjukskrivning under längre tid.", "unknown", 15),
    ("Deltagaren flyttade från kommunen.", "unknown", 8),
    (
        "Praktiken motsvarade inte deltagarens förväntningar; ny planering med Arbetsförmedlingen.",
        "continued_measure",
        20,
    ),
    ("Hög frånvaro trots flera samtal.", "unemployed", 20),
    ("Föräldraledighet.", "unknown", 5),
    ("Samarbetet på arbetsplatsen fungerade inte; avslutad i samråd.", "unemployed", 7),
]

CANCEL_REASONS = [
    "Deltagaren tackade nej till platsen.",
    "Arbetsplatsen kunde inte ta emot på grund av personalbrist.",
    "Deltagaren fick ett annat erbjudande innan start.",
]
CANCEL_REASON_EXTRACT = "Utdraget ur belastningsregistret gav hinder för arbete med barn."

FOLLOW_UP_TASKS = {
    "default": [
        "Har kommit in i arbetsuppgifterna och klarar dem allt mer självständigt.",
        "Följer schemat, har varit med på arbetsplatsträff.",
        "Har provat flera olika arbetsuppgifter tillsammans med handledaren.",
        "Arbetar i arbetslaget, tar egna initiativ.",
    ],
    "care": [
        "Hjälpt till vid frukost och lunch, följt med på promenader med de boende.",
        "Deltagit i morgonrutinerna och i aktiviteter på eftermiddagen.",
    ],
    "kitchen": ["Disk och förberedelser i köket, har lärt sig egenkontrollen.", "Hjälpt till vid servering."],
    "children": ["Deltagit i samling och utevistelse, läst för barnen.", "Hjälpt till vid måltider och vila."],
}
CONCERNS = [
    "Flera sena ankomster de senaste veckorna; vi har pratat om det.",
    "Deltagaren verkar trött och har svårt att hinna med SFI och praktiken.",
    "Språket är ett hinder i kontakten med de boende; behöver mer stöd i svenska.",
    "Oklart om deltagaren förstått arbetsmiljöreglerna; genomgång planerad.",
    "Frånvaro utan att höra av sig vid två tillfällen.",
]
NEXT_STEPS = [
    "Fortsätter enligt plan; nästa uppföljning om fyra veckor.",
    "Prova fler arbetsuppgifter, t.ex. enklare dokumentation.",
    "Trepartssamtal med koordinatorn inför avslutet.",
    "Diskutera möjligheten till sommarvikariat.",
    "Öva på yrkesord tillsammans med SFI-läraren.",
    "Ta fram ett intyg om praktiken till deltagarens CV.",
]
SESSION_LOCATIONS = [
    "Rådhuset, sal Storsjön",
    "Campus Östersund, sal Frösön",
    "Arbetsmarknad och lärande, Prästgatan",
]
TRAINERS = ["Projektutvecklare, Arbetsmarknad och lärande", "Extern utbildare, ledarskap och kommunikation"]
SUPERVISOR_TITLES = {
    "care_home": "Undersköterska",
    "home_care": "Undersköterska",
    "lss": "Stödassistent",
    "preschool": "Förskollärare",
    "school": "Lärare",
    "library": "Bibliotekarie",
    "arena": "Driftstekniker",
    "swim_hall": "Badmästare",
    "carpentry": "Snickare",
    "service_group": "Arbetsledare",
    "reuse": "Arbetsledare",
    "central_kitchen": "Kock",
    "school_kitchen": "Kock",
    "cleaning": "Städledare",
    "property": "Fastighetsskötare",
    "construction": "Arbetsledare",
    "logistics": "Lagerchef",
    "catering": "Köksmästare",
    "bakery": "Bagare",
    "workshop": "Verkstadschef",
    "hospital_ward": "Undersköterska",
    "hospital_kitchen": "Kock",
    "hospital_service": "Förrådsansvarig",
    "second_hand": "Butiksansvarig",
    "cafe": "Caféansvarig",
}

# The agreement's standard terms each demo municipality gets (placements.AgreementTerms), in Swedish;
# `{municipality}` is the municipality's name.
AGREEMENT_TERMS = {
    "insurance": (
        "Deltagaren är försäkrad under praktikperioden genom Kammarkollegiets personskadeskydd för personer i "
        "arbetsmarknadspolitiska insatser. Försäkringen gäller för olycksfall under praktiktiden och under resa "
        "till och från arbetsplatsen. En skada anmäls snarast till koordinatorn, som gör anmälan till "
        "Kammarkollegiet. Arbetsplatsen ansvarar för arbetsmiljön och för att introducera deltagaren i "
        "arbetsplatsens säkerhetsrutiner."
    ),
    "confidentiality": (
        "Deltagaren iakttar tystnadsplikt om det hon eller han får veta om enskildas förhållanden på "
        "arbetsplatsen, under och efter praktikperioden, och undertecknar arbetsplatsens förbindelse om "
        "tystnadsplikt när arbetsplatsen har en sådan. Arbetsplatsen och {municipality} behandlar deltagarens "
        "personuppgifter endast för praktikens genomförande."
    ),
    "sick_reporting": (
        "Vid sjukdom eller annan frånvaro meddelar deltagaren handledaren före arbetstidens början samma dag, "
        "och koordinatorn samma dag. Handledaren meddelar koordinatorn om deltagaren uteblir utan att ha hört av sig."
    ),
    "working_hours": (
        "Praktiken omfattar det antal timmar per dag som anges i överenskommelsen, förlagda på dagtid enligt "
        "arbetsplatsens schema och med hänsyn till deltagarens studier (SFI eller annan utbildning). Ändringar "
        "av tiderna görs i samråd med koordinatorn."
    ),
    "no_wage": (
        "Praktiken är en arbetsmarknadspolitisk insats och ingen anställning. Arbetsplatsen betalar ingen lön, "
        "och deltagaren ersätts inte i produktionen för ordinarie personal. Deltagarens ersättning, när sådan "
        "finns, betalas av Försäkringskassan eller {municipality} enligt gällande beslut."
    ),
    "contacts": (
        "Frågor om praktiken ställs till koordinatorn på arbetsmarknadsenheten i {municipality}. Handledaren är "
        "deltagarens kontakt på arbetsplatsen. Vid problem kontaktar parterna koordinatorn, som kallar till "
        "uppföljning."
    ),
}
