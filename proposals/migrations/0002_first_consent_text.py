"""The first consent text, so that the proposal form works from the first deployment (Law "On Personal
Data and Their Protection", art. 8). Later versions are written in the admin."""

from django.db import migrations

TEXT_KK = (
    "Мен «Дербес деректер және оларды қорғау туралы» Қазақстан Республикасы Заңының 8-бабына сәйкес өз атымды, "
    "ұйымның атауын және байланыс деректерімді (электрондық пошта немесе телефон) қоғамдық кеңестің менің "
    "ұсынысымды қарауы және маған жауап беруі үшін жинауға және өңдеуге келісім беремін. Байланыс деректері "
    "жарияланбайды және үшінші тұлғаларға берілмейді; қоғамдық консультация аяқталғаннан кейін үш жыл сақталады. "
    "Атым ұсыныспен бірге қорытындыларда жариялануы мүмкін, егер мен оны жарияламауды сұрамасам."
)
TEXT_RU = (
    "В соответствии со статьёй 8 Закона Республики Казахстан «О персональных данных и их защите» я даю согласие "
    "на сбор и обработку моего имени, названия организации и контактных данных (электронная почта или телефон) "
    "для рассмотрения моего предложения общественным советом и ответа мне. Контактные данные не публикуются и не "
    "передаются третьим лицам; хранятся три года после завершения общественной консультации. Моё имя может быть "
    "опубликовано вместе с предложением в итогах, если я не попрошу его не публиковать."
)
OPERATOR_KK = "Қазақстан Республикасы Мәдениет және ақпарат министрлігінің Азаматтық қоғам істері комитеті"
OPERATOR_RU = "Комитет по делам гражданского общества Министерства культуры и информации Республики Казахстан"


def create(apps, schema_editor):
    ConsentText = apps.get_model("proposals", "ConsentText")
    if not ConsentText.objects.exists():
        import datetime

        ConsentText.objects.create(
            version=1,
            text=TEXT_KK,
            text_kk=TEXT_KK,
            text_ru=TEXT_RU,
            operator=OPERATOR_KK,
            operator_kk=OPERATOR_KK,
            operator_ru=OPERATOR_RU,
            effective_from=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
