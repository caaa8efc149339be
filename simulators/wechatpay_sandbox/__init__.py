"""A WeChat Pay API v2 sandbox: the documented paths, signed XML, client certificates, scripted faults.

Run it with `edgepos sim wechatpay` (simulators/wechatpay_sandbox/cli.py); the modules split it by concern:
wire (XML and signatures), credentials (CA, server and merchant certificates), book (the trades and the fault
scripts), api (one function per WeChat path), bill (downloadbill's CSV), notify (payment notifications with
retries), server (HTTPS and the /_sandbox/ customer actions).
"""
