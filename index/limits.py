"""How big a file earmark reads or downloads: one place, imported by the parsers and the feed
fetcher alike (a download it could not read is not worth making), without loading either."""

MAX_FILE_BYTES = 50 * 1024 * 1024
