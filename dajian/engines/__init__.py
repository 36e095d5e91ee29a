"""Pure engines: definition model -> compile -> execute, with no HTTP and no platform tables."""
