"""Template packages (``package``), their version rules (``semver``), and installing them into an organisation."""
