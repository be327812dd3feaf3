-- What 'apply -f' stored last: a digest of the documents' texts (with the host target and the build of the code that
-- reads, validates and stores them) and the generation they were stored at. While the generation is still that one,
-- the same documents would store nothing new, so a re-apply of them skips parsing, validating and storing.
-- Every change of the desired state bumps the generation, so any change in between ends the match.

ALTER TABLE meta ADD COLUMN documents_digest TEXT CHECK (documents_digest IS NULL OR length(documents_digest) = 64);
ALTER TABLE meta ADD COLUMN documents_generation INTEGER;
