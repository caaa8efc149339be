"""Face-pay's wallet withholding agreement: ask the payment service for the page where a member signs one."""
from __future__ import annotations

from terminal.errors import MemberError
from terminal.payments.acquirer import Acquirer, AcquirerMethod, AcquirerStatus, AcquirerUnreachable


class AgreementError(MemberError):
    """The payment service could not be reached or did not start the agreement."""


def agreement_sign_url(acquirer: Acquirer, member_id: str, timeout_s: float) -> str:
    """The sign page URL (shown to the member as a QR); AgreementError says why there is none."""
    try:
        reply = acquirer.call(AcquirerMethod.AGREEMENT_SIGN, {"member_id": member_id}, timeout_s)
    except AcquirerUnreachable as err:
        raise AgreementError.text("the payment service cannot be reached: try the agreement again when the"
                                  " terminal is online") from err
    if reply is None or reply.status != AcquirerStatus.CREATED or not reply.payload:
        why = "no answer" if reply is None else (reply.reason or reply.status)
        raise AgreementError.text("the payment service did not start the agreement ({reason})", reason=why)
    return reply.payload
