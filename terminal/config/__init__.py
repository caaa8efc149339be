"""The terminal's settings: the TOML config file checked key by key, the members and face sections, settings pushed by the shop."""
