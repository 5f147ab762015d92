from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page"):
    """The current query string with `param` set to `number` and the inbox's `select` dropped: a page of one
    list, the other lists of the page (each with its own parameter) and the filters kept."""
    params = context.request.GET.copy()
    params[param] = number
    params.pop("select", None)
    return f"?{params.urlencode()}"
