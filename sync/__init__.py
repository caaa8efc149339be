"""Both ends of the wire: the outbox drain and MQTT link, the schema, the reference cloud backend."""
