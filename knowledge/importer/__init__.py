"""`python -m knowledge import`: FAQ spreadsheets from municipal FAQ systems into FAQ YAML.

Staff keep their FAQ in spreadsheets; this package turns one sheet into a
`knowledge/faq/imported_<name>.yml` that passes `knowledge check`, and says, row by row, what
it could not take. One module per job: `reading` (CSV/xlsx and encodings), `columns` (which
column is what), `html_text` and `dates` (cell values), `alternates`, `contacts`, `convert`
(rows into entries), `duplicates`, `writing` (YAML and the no-overwrite rule), `report`,
`vocabulary` (the Japanese word lists in headers.yml and wording.yml), and
`command` (the subcommand that ties them together).
"""
