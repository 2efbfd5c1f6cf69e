"""Following podcasts from their RSS feeds: each item becomes an episode folder of the library.

- `fetch`: HTTP(S) downloads, bounded in time, size and number at once (httpx);
- `feed`: a feed read into items (feedparser), with `podcast_elements` for the podcast
  namespace and `html_text` for show notes;
- `episode_folder`: one item written into the library, whole or not at all;
- `followed`: ``feeds.toml``, what the library follows and what came in from each feed;
- `following`: follow, update and unfollow.

Nothing here is imported when earmark starts: only the commands that follow feeds load it.
"""
