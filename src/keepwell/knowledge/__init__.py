"""The knowledge base: articles in Markdown, their versions, tags and links, full-text search."""
