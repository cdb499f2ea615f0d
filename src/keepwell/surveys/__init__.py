"""The customer's voice, asked for continuously: surveys sent by e-mail on events and on a
relationship cadence, answered through a signed single-use link without sign-in."""
