"""Open data: the public tenders, their amendments, openings and awards as OCDS 1.1 release packages."""
