"""Report renderers: bar charts (matplotlib, Noto CJK) and Excel workbooks (openpyxl)."""
