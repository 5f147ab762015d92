"""Django's own messages that Django REST framework's catalogues (an installed app's, so read before Django's)
word differently. Listed only so that makemessages keeps them in our catalogue (LOCALE_PATHS, read first) with
Django's own wording: the site's forms say what they said before the API came. Regenerate when Django or DRF is
upgraded: the msgids both translate, differently, in kk or ru."""

from django.utils.translation import gettext_noop

OVERRIDDEN_BY_DRF = (
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("This field is required."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_noop("Value must be valid JSON."),
)
