"""Who is acting (the one Actor for API keys and logins), what they may see, API keys and users."""
