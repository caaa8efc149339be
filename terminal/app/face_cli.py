"""`edgepos face`: enrol a member's face from image files, identify the face in an image (JSON out)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from terminal.app.devices import build_identifier
from terminal.config.settings import Config
from terminal.face.images import ImageError, image_size, load_rgb

__all__ = ["ImageError", "add_face_parser", "build_identifier", "cmd_face", "load_rgb"]

if TYPE_CHECKING:
    from terminal.face.pay import FaceIdentifier


def add_face_parser(sub: Any) -> None:
    """The `face` subcommands."""
    face = sub.add_parser("face", help="face-pay tools: enrol from images, identify an image")
    actions = face.add_subparsers(dest="face_command", metavar="ACTION", required=True)
    enroll = actions.add_parser("enroll", help="enrol a member's face from one or more image files")
    enroll.add_argument("member_id", help="the member's id (from `edgepos members add`)")
    enroll.add_argument("images", nargs="+", type=Path, help="image files with the member's face")
    identify = actions.add_parser("identify", help="who is in this image (skips liveness and phone digits)")
    identify.add_argument("image", type=Path, help="an image file")


def cmd_face(args: argparse.Namespace, config: Config, data_dir: Path) -> int:
    """Run one `face` action; prints one JSON object; exit 1 when nothing could be enrolled."""
    from terminal.app.bootstrap import open_members
    limit = config.face.max_image_pixels
    for path in args.images if args.face_command == "enroll" else [args.image]:
        image_size(path, limit)                 # every file's header first: a bad one before any face work
    db, members, _coupons = open_members(config, data_dir)
    try:
        identifier = build_identifier(config, members)
        if args.face_command == "enroll":
            return _enroll(identifier, args.member_id, args.images, limit)
        found = identifier.identify(load_rgb(args.image, limit))
        print(json.dumps({**found.as_dict(), "liveness": "skipped",
                          "note": "identified from a file: no blink check and no phone digits, so this"
                                  " never authorises a payment"}, ensure_ascii=False))
        return 0
    finally:
        db.close()


def _enroll(identifier: FaceIdentifier, member_id: str, images: list[Path], max_pixels: int) -> int:
    members = identifier.members
    member = members.get(member_id)        # unknown member, or no consent: a clear error before any face work
    members.require_face_consent(member)
    encodings, refused = [], []
    for path in images:
        analysis = identifier.engine.analyze(load_rgb(path, max_pixels))
        if analysis.ok and analysis.encoding is not None:
            encodings.append(analysis.encoding)
        else:
            refused.append({"file": str(path), "status": analysis.status, "reason": analysis.reason})
    enrolled = members.enroll_templates(member.id, encodings) if encodings else 0
    print(json.dumps({"member_id": member.id, "enrolled": enrolled, "refused": refused}, ensure_ascii=False))
    return 0 if enrolled else 1
