from django import template

from common.keyset import PAGE_PARAMS

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page"):
    """The current query string with `param` set to `number` and the inbox's `select` dropped: a page of one
    list, the other lists of the page (each with its own parameter) and the filters kept."""
    params = context.request.GET.copy()
    params[param] = number
    params.pop("select", None)
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def keyset_query(context, page_params=None):
    """The current query string with the keyset page parameters (`common.keyset`) replaced by `page_params`
    (none: the first page) and the inbox's `select` dropped: the filters kept."""
    params = context.request.GET.copy()
    for name in (*PAGE_PARAMS, "select"):
        params.pop(name, None)
    params.update(page_params or {})
    return f"?{params.urlencode()}" if params else "?"
