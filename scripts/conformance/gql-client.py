#!/usr/bin/env python3
"""The server as PyPI `gql` (sync RequestsHTTPTransport) uses it, validating every document
against the repository's schema.graphql before sending it.

    python scripts/conformance/gql-client.py http://127.0.0.1:8080/graphql TOKEN schema.graphql

Needs the demo data (SEED_DEMO=always) and the packages of requirements-clients.txt. Checks: a
query with variables, a mutation answered with userErrors, the server's UNAUTHENTICATED error
surfaced with its extensions.code, an unknown field refused locally (no request sent), a batch
with execute_batch (one POST of a JSON array), and a schema fetched by introspection
(fetch_schema_from_transport) that prints the same as schema.graphql in graphql-core.
One line per check; exits 1 on any failure.
"""
import json
import sys

from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport
from graphql import GraphQLError, build_schema, lexicographic_sort_schema, print_schema

USER_BY_SLUG = "query UserBySlug($slug: String!) { userBySlug(slug: $slug) { id name slug } }"
ME = "query Me { me { id userName } }"
BAD_FIELD = "query BadField { me { id noSuchField } }"
CREATE_OBJECTIVE = """mutation CreateObjective($input: CreateObjectiveInput!) {
  createObjective(input: $input) { objective { id } userErrors { path code message } }
}"""
# README's CreateObjective example: the second key result is blank.
BLANK_KEY_RESULT = {
    "okrId": "3",
    "content": "Ship the mobile app",
    "keyResults": [{"content": "Beta in the store", "midScore": "0.5"}, {"content": ""}],
}

passed = failed = 0


def check(name, ok, detail=None):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}\n     {detail!r}")


def client(url, sdl, token, sent):
    """A gql client that validates against the SDL and records each request body it sends."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    record = lambda response, *args, **kwargs: sent.append(json.loads(response.request.body))
    transport = RequestsHTTPTransport(url=url, headers=headers, timeout=30, hooks={"response": [record]})
    return Client(transport=transport, schema=sdl)


def codes(errors):
    return [(e.get("extensions") or {}).get("code") for e in errors or []]


def main(url, token, schema_path):
    with open(schema_path, encoding="utf-8") as f:
        sdl = f.read()
    sent = []
    gql_client = client(url, sdl, token, sent)

    data = gql_client.execute(GraphQLRequest(USER_BY_SLUG, variable_values={"slug": "grace.hopper"}))
    check("gql: query with variables (userBySlug grace.hopper)",
          (data.get("userBySlug") or {}).get("name") == "Grace Hopper", data)

    data = gql_client.execute(GraphQLRequest(CREATE_OBJECTIVE, variable_values={"input": BLANK_KEY_RESULT}))
    payload = data.get("createObjective") or {}
    check("gql: mutation answers userErrors (REQUIRED at keyResults.1.content)",
          payload.get("objective") is None
          and any(e["code"] == "REQUIRED" and e["path"] == ["keyResults", "1", "content"]
                  for e in payload.get("userErrors") or []), data)

    try:
        client(url, sdl, None, []).execute(GraphQLRequest(ME))
        check("gql: no token -> TransportQueryError with UNAUTHENTICATED", False, "no error raised")
    except TransportQueryError as err:
        check("gql: no token -> TransportQueryError with UNAUTHENTICATED",
              "UNAUTHENTICATED" in codes(err.errors), err.errors)

    before = len(sent)
    try:
        gql_client.execute(GraphQLRequest(BAD_FIELD))
        check("gql: unknown field -> refused by local schema validation", False, "no error raised")
    except GraphQLError as err:
        check("gql: unknown field -> refused by local schema validation, nothing sent",
              "noSuchField" in err.message and len(sent) == before, (err.message, sent[before:]))

    before = len(sent)
    results = gql_client.execute_batch([
        GraphQLRequest(ME),
        GraphQLRequest(USER_BY_SLUG, variable_values={"slug": "grace.hopper"}),
    ])
    batch = sent[before:]
    check("gql: execute_batch sends one POST with a JSON array of 2 operations",
          len(batch) == 1 and isinstance(batch[0], list) and len(batch[0]) == 2, batch)
    check("gql: execute_batch results in order",
          len(results) == 2 and results[0]["me"]["userName"] == "ada.admin@example.com"
          and results[1]["userBySlug"]["name"] == "Grace Hopper", results)

    # The schema by introspection, as gql fetches it, against the file: both printed by
    # graphql-core in one order (schema.graphql sorts fields and enum values, introspection not).
    everything = {"specified_by_url": True, "directive_is_repeatable": True,
                  "input_value_deprecation": True, "input_object_one_of": True}
    fetched = Client(transport=RequestsHTTPTransport(url=url, timeout=30),
                     fetch_schema_from_transport=True, introspection_args=everything)
    with fetched as session:
        session.execute(GraphQLRequest("{ __typename }"))
    printed = lambda schema: print_schema(lexicographic_sort_schema(schema))
    check("gql: fetch_schema_from_transport gives the schema of schema.graphql",
          printed(fetched.schema) == printed(build_schema(sdl)),
          "graphql-core prints the introspected schema differently from schema.graphql")

    print(f"\ngql client: {passed} checks passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: gql-client.py <graphql url> <bearer token of ada.admin@example.com> <schema.graphql>")
    sys.exit(main(*sys.argv[1:]))
