"""`edgepos sim alipay`: an Alipay OpenAPI sandbox speaking Alipay's own wire protocol at /gateway.do.

Modules: signing (RSA2 keys and signing strings), trades (what the sandbox remembers, fault scripts), codes,
api (the OpenAPI methods), notify (asynchronous notifications with retries), bill (the daily bill zip),
server (HTTP), cli (the command and the merchant's credential files).
"""
