"""Roster imports (issue 10): read a personnel system's export, check every row, show what would
change, then apply it all or nothing.

- reading: the file's bytes → a header and numbered rows (CSV in UTF-8 or Big5/CP950, XLSX);
  characters the encoding cannot decode (造字) are reported, never replaced silently.
- columns: which column is which, and how each cell is read (ROC dates, categories, yes/no).
- staging: every row checked against the roster and the importer's subtree; national ID numbers
  become their keyed hash here and go no further in clear.
- changes: the staged rows compared with the roster — who is new, changed, transferred, left.
- jobs: one RosterImport from upload through preview to commit, with progress for the page.
"""
