"""Reports of results for people and programs: terminal tables (rich) and CSV rows of duties (``duties``),
indicators (``indicators``) and payment statements (``payments``). Nothing here computes a result."""
