"""kubectl's printers: tables (`get`), YAML/JSON/name/jsonpath/custom-columns."""
