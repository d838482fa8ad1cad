"""The OpenAPI 3.1 document of the HTTP API (served at ``/openapi.json``, read at ``/docs``)."""

from __future__ import annotations

from .. import __version__
from ..explain.prediction import SCHEMA_VERSION

_ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes: int) -> dict:
    meaning = {
        404: "no such route", 413: "over the size cap", 415: "unsupported media or file type",
        422: "empty, binary or undecodable posting, or an invalid request; `detail` says what to do",
        500: "a bug; no traceback is sent",
    }
    return {str(c): {"description": meaning[c], "content": {"application/json": {"schema": _ERROR}}}
            for c in codes}


def document(labels) -> dict:
    labels = list(labels)
    classify_json = {
        "type": "object", "required": ["text"],
        "properties": {
            "text": {"type": "string", "description": "the posting: plain text, Markdown, HTML or "
                     "JobPosting JSON, read as `pmrole classify -` reads stdin"},
            "title": {"type": "string", "description": "the job title; without it, a short first "
                      "line of plain text is taken as the title"},
            "top": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10,
                    "description": "how many keywords to return"},
        },
    }
    table_body = {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in
                              ("text/csv", "text/tab-separated-values", "application/x-ndjson")},
                  "required": True}
    result = {
        "type": "object",
        "description": "the `pmrole classify --json` object (README: \"What it says\")",
        "properties": {
            "schema_version": {"type": "integer", "const": SCHEMA_VERSION},
            "file": {"type": "string"}, "title": {"type": "string"},
            "label": {"type": "string", "enum": labels}, "confidence": {"type": "number"},
            "runner_up": {"type": "string", "enum": labels}, "needs_review": {"type": "boolean"},
            "probabilities": {"type": "object", "additionalProperties": {"type": "number"}},
            "keywords": {"type": "array", "items": {"type": "object", "properties": {
                "term": {"type": "string"}, "weight": {"type": "number"},
                "trait": {"type": ["string", "null"]},
                "spans": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string", "enum": ["text", "title"]},
                    "start": {"type": "integer"}, "end": {"type": "integer"}}}}}}},
            "bias": {"type": "number"}, "rest": {"type": "number"},
            "traits": {"type": "array", "items": {"type": "object"}},
            "evidence": {"type": "array", "items": {"type": "object"}},
            "model": {"type": "string"}, "notes": {"type": "array", "items": {"type": "string"}},
            "duty_mix": {"type": ["object", "null"], "properties": {
                "project": {"type": "number"}, "product": {"type": "number"}, "neither": {"type": "number"},
                "surrounding_units": {"type": "integer"},
                "sentences": {"type": "array", "items": {"type": "object", "properties": {
                    "share": {"type": "string", "enum": ["project", "product", "neither"]},
                    "text": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"},
                    "weight": {"type": "number"}}}}}},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "pmrole", "version": __version__,
                 "description": "Is this job posting a project manager, a product manager, a hybrid "
                                "of both, or other? Every error is JSON {\"error\", \"detail\"}."},
        "paths": {
            "/v1/classify": {"post": {
                "summary": "Classify one posting, with the keywords that decided",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": classify_json},
                    "multipart/form-data": {"schema": {"type": "object", "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": ".txt, .md, .html or .json (JobPosting), ≤ 10 MB"},
                        "text": {"type": "string"}, "title": {"type": "string"},
                        "top": {"type": "integer"}}}}}},
                "responses": {"200": {"description": "the result; with `Accept: text/html`, the "
                                      "highlighted view as an HTML fragment",
                                      "content": {"application/json": {"schema": result},
                                                  "text/html": {"schema": {"type": "string"}}}},
                              **_errors(413, 415, 422, 500)}}},
            "/v1/score": {"post": {
                "summary": "Score a table: every row back, in order, with the pmrole_* columns of "
                           "`pmrole score`",
                "parameters": [
                    {"name": "text_column", "in": "query", "schema": {"type": "string"}},
                    {"name": "title_column", "in": "query", "schema": {"type": "string"}},
                    {"name": "output", "in": "query",
                     "schema": {"type": "string", "enum": ["csv", "tsv", "jsonl"]},
                     "description": "default: the input's format"}],
                "requestBody": table_body,
                "responses": {"200": {"description": "the scored table, streamed",
                                      "content": {t: {"schema": {"type": "string"}} for t in
                                                  ("text/csv", "text/tab-separated-values",
                                                   "application/x-ndjson")}},
                              **_errors(413, 415, 422, 500)}}},
            "/v1/model": {"get": {"summary": "The model card",
                                  "responses": {"200": {"description": "the card (`pmrole model info --json`)",
                                                        "content": {"application/json": {}}}}}},
            "/healthz": {"get": {"summary": "Liveness, and the model in use",
                                 "responses": {"200": {"description": '{"status": "ok", "model": id}',
                                                       "content": {"application/json": {}}}}}},
        },
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["error", "detail"],
            "properties": {"error": {"type": "string"}, "detail": {"type": "string"}}}}},
    }
