"""The first version of the standard terms, in Swedish: an administrator edits them in the admin."""

from django.db import migrations

TERMS = {
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
        "tystnadsplikt när arbetsplatsen har en sådan. Arbetsplatsen och kommunen behandlar deltagarens "
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
        "finns, betalas av Försäkringskassan eller kommunen enligt gällande beslut."
    ),
    "contacts": (
        "Frågor om praktiken ställs till koordinatorn på arbetsmarknadsenheten. Handledaren är deltagarens "
        "kontakt på arbetsplatsen. Vid problem kontaktar parterna koordinatorn, som kallar till uppföljning."
    ),
}


def add_terms(apps, schema_editor):
    AgreementTerms = apps.get_model("placements", "AgreementTerms")
    if not AgreementTerms.objects.exists():
        AgreementTerms.objects.create(**TERMS)


class Migration(migrations.Migration):
    dependencies = [("placements", "0013_agreement_signing_and_certificate")]

    operations = [migrations.RunPython(add_terms, migrations.RunPython.noop)]
