"""Reference data every installation starts with: placement types with their rules, job tracks,
and the languages most often spoken by participants. Administrators maintain them afterwards."""

from django.db import migrations

# code, name, max_weeks, max_hours_per_day, funder, requires_decision_reference, is_employment, active, description
PLACEMENT_TYPES = [
    (
        "praktik",
        "Arbetspraktik",
        26,
        None,
        "employment_service",
        True,
        False,
        True,
        "Arbetsförmedlingens arbetspraktik: högst omkring sex månader hos samma arbetsgivare, med handledare.",
    ),
    (
        "kommunal-praktik",
        "Kommunal praktik",
        26,
        None,
        "municipality",
        False,
        False,
        True,
        "Praktik som kommunen ordnar och bekostar, t.ex. för personer med ekonomiskt bistånd.",
    ),
    (
        "introduktionsjobb",
        "Introduktionsjobb",
        104,
        None,
        "employment_service",
        True,
        True,
        True,
        "Subventionerad anställning för nyanlända och långtidsarbetslösa.",
    ),
    (
        "nystartsjobb",
        "Nystartsjobb",
        104,
        None,
        "employment_service",
        True,
        True,
        True,
        "Anställning med stöd för den som varit utan arbete länge eller är nyanländ.",
    ),
    (
        "etableringsjobb",
        "Etableringsjobb",
        104,
        None,
        "employment_service",
        True,
        True,
        True,
        "Anställning för nyanlända och långtidsarbetslösa enligt parternas överenskommelse.",
    ),
    (
        "lonestod",
        "Lönestöd",
        None,
        None,
        "employment_service",
        True,
        True,
        True,
        "Anställning med lönestöd för personer med funktionsnedsättning som ger nedsatt arbetsförmåga.",
    ),
    (
        "extratjanst",
        "Extratjänst",
        104,
        None,
        "employment_service",
        True,
        True,
        False,
        "Historisk: inga nya beslut sedan 2022.",
    ),
    (
        "sommarvikariat",
        "Sommarvikariat",
        13,
        None,
        "employer",
        False,
        True,
        True,
        "Sommarvikariat, ofta efter en väl genomförd praktikperiod.",
    ),
    (
        "feriejobb",
        "Feriejobb",
        4,
        "6.0",
        "municipality",
        False,
        True,
        True,
        "Kommunens feriejobb för ungdomar under skolloven.",
    ),
    ("anstallning", "Anställning", None, None, "employer", False, True, True, "Reguljär anställning utan stöd."),
]

JOB_TRACKS = [
    ("eget-foretagande", "Eget företagande", "Jobbspår för den som vill starta eget företag."),
    ("restaurang-storkok", "Restaurang och storkök", "Jobbspår mot restaurang, storkök och måltidsservice."),
    ("industri", "Industri", "Jobbspår mot industrins kompetensbehov."),
    (
        "utan-gymnasieutbildning",
        "Särskilt spår utan gymnasieutbildning",
        "Jobbspår för personer som saknar gymnasial utbildning.",
    ),
]

# ISO 639-1 code, Swedish name, English name
LANGUAGES = [
    ("sv", "svenska", "Swedish"),
    ("en", "engelska", "English"),
    ("ar", "arabiska", "Arabic"),
    ("so", "somaliska", "Somali"),
    ("ti", "tigrinska", "Tigrinya"),
    ("fa", "persiska", "Persian"),
    ("prs", "dari", "Dari"),
    ("ps", "pashto", "Pashto"),
    ("ku", "kurdiska", "Kurdish"),
    ("uk", "ukrainska", "Ukrainian"),
    ("ru", "ryska", "Russian"),
    ("pl", "polska", "Polish"),
    ("tr", "turkiska", "Turkish"),
    ("bs", "bosniska", "Bosnian"),
    ("sq", "albanska", "Albanian"),
    ("am", "amhariska", "Amharic"),
    ("fr", "franska", "French"),
    ("es", "spanska", "Spanish"),
    ("de", "tyska", "German"),
    ("th", "thai", "Thai"),
    ("fi", "finska", "Finnish"),
    ("se", "nordsamiska", "Northern Sami"),
    ("sw", "swahili", "Swahili"),
    ("ur", "urdu", "Urdu"),
    ("hi", "hindi", "Hindi"),
    ("bn", "bengali", "Bengali"),
    ("zh", "kinesiska", "Chinese"),
    ("vi", "vietnamesiska", "Vietnamese"),
    ("ro", "rumänska", "Romanian"),
    ("hr", "kroatiska", "Croatian"),
]


def load(apps, schema_editor):
    PlacementType = apps.get_model("taxonomy", "PlacementType")
    JobTrack = apps.get_model("taxonomy", "JobTrack")
    Language = apps.get_model("taxonomy", "Language")
    for code, name, weeks, hours, funder, decision, employment, active, description in PLACEMENT_TYPES:
        PlacementType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "max_weeks": weeks,
                "max_hours_per_day": hours,
                "funder": funder,
                "requires_decision_reference": decision,
                "is_employment": employment,
                "active": active,
                "description": description,
            },
        )
    for code, name, description in JOB_TRACKS:
        JobTrack.objects.update_or_create(code=code, defaults={"name": name, "description": description})
    for code, name_sv, name_en in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name_sv": name_sv, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
