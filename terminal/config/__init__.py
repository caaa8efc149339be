"""The terminal's settings: the TOML config file and the members and face sections, checked key by key, and
the settings the shop pushes; one reader (keys.ConfigReader) reads them all and names the key in every error."""
