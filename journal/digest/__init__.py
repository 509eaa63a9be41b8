"""The progress digest: a static site, DIGEST.md, digest.json, an Atom feed and a calendar."""
