"""The OpenAPI schema's additions (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): the errors every operation of
the API may answer, so that a client — and the schema fuzzing in the tests — knows them in advance."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in the caller's language."}},
    "required": ["detail"],
}
FILTER_ERRORS = {
    "type": "object",
    "description": "`detail`, or for each filter given a value it does not take, the reasons.",
    "additionalProperties": True,
}
ERRORS = {
    "400": ("A filter's value is not valid, or the request is malformed.", FILTER_ERRORS),
    "404": ("No such object, or a cursor that is not one of this list's.", ERROR),
    "429": ("Too many requests from this address: wait the seconds in Retry-After.", ERROR),
}


def add_error_responses(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, (description, schema) in ERRORS.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": schema}}}
                )
    return result
