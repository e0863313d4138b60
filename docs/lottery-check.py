#!/usr/bin/env python3
"""Recomputes your rank in an Orderly pre-queue from the revealed lottery secret (docs/lottery.md).

Python 3.8+, standard library only. Either ask the server for the public lottery:

    python3 docs/lottery-check.py --server https://orderly.example --ticket 'k1.Ym9va2luZ3w0Mnw...'

or give every input yourself (nothing is fetched):

    python3 docs/lottery-check.py --gate identity --secret <64 hex> --commitment <64 hex> \
        --opens-at-millis 1627297200000 --size 5123 --number 42

It checks that the secret matches the commitment published before joins opened, and prints the
rank your number was drawn to. Compare it with the rank the gate showed you (or /lottery.html).
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import urllib.request

ROUNDS = 4
MIN_BITS = 8


def commitment(secret: bytes, gate: str) -> str:
    return hashlib.sha256(secret + ("|" + gate).encode("utf-8")).hexdigest()


def pre_queue_key(secret: bytes, gate: str, opens_at_millis: int) -> bytes:
    return hmac.new(secret, ("pre-queue|%s|%d" % (gate, opens_at_millis)).encode("utf-8"), hashlib.sha256).digest()


def rank_of(key: bytes, size: int, number: int) -> int:
    """The rank (1..size) of pre-queue number `number` (1..size): a 4-round Feistel permutation, cycle-walked."""
    if not 1 <= number <= size:
        raise ValueError("number %d is outside 1..%d" % (number, size))
    bits = max(MIN_BITS, max(1, size - 1).bit_length())
    half = (bits + 1) // 2
    mask = (1 << half) - 1

    def f(rnd: int, value: int) -> int:
        out = hmac.new(key, bytes([rnd]) + value.to_bytes(8, "big"), hashlib.sha256).digest()
        return int.from_bytes(out[:8], "big") & mask

    x = number - 1
    while True:
        left, right = (x >> half) & mask, x & mask
        for rnd in range(ROUNDS):
            left, right = right, left ^ f(rnd, right)
        x = (left << half) | right
        if x < size:
            return x + 1


def ticket_fields(token: str):
    """A ticket is keyId.payload.signature; the payload is base64url of gate|number|issuedAt|browser|holder."""
    payload = token.split(".")[1]
    fields = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8").split("|")
    return fields[0], int(fields[1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--server", help="base URL of the Orderly server; fetches /api/gates/<gate>/lottery")
    p.add_argument("--ticket", help="your ticket token (gives the gate and your number)")
    p.add_argument("--gate")
    p.add_argument("--number", type=int, help="your pre-queue number (the number in your ticket)")
    p.add_argument("--secret", help="the revealed secret, 64 hex digits")
    p.add_argument("--commitment", help="the commitment published before joins opened, 64 hex digits")
    p.add_argument("--opens-at-millis", type=int)
    p.add_argument("--size", type=int, help="the pre-queue's size")
    a = p.parse_args(argv)

    gate, number = a.gate, a.number
    if a.ticket:
        gate, number = ticket_fields(a.ticket)
    if not gate or number is None:
        p.error("give --ticket, or --gate and --number")
    secret_hex, committed, opens, size = a.secret, a.commitment, a.opens_at_millis, a.size
    if a.server:
        with urllib.request.urlopen(a.server.rstrip("/") + "/api/gates/%s/lottery" % gate) as r:
            lottery = json.load(r)
        if not lottery.get("revealed"):
            print("not revealed yet: commitment %s (committed %s)" % (lottery["commitment"], lottery["committedAt"]))
            return 2
        secret_hex = secret_hex or lottery["secret"]
        committed = committed or lottery["commitment"]
        opens = opens if opens is not None else lottery["opensAtMillis"]
        size = size if size is not None else lottery["preQueueSize"]
    if secret_hex is None or opens is None or size is None:
        p.error("give --server, or --secret, --opens-at-millis and --size")

    secret = bytes.fromhex(secret_hex)
    ok = True
    if committed:
        ok = commitment(secret, gate) == committed.lower()
        print("commitment %s: %s" % (committed.lower(), "matches the secret" if ok else "DOES NOT MATCH the secret"))
    if number > size:
        print("gate %s, number %d: joined after the opening, so rank %d (no draw)" % (gate, number, number))
    else:
        print("gate %s, number %d of %d in the pre-queue: rank %d" % (gate, number, size, rank_of(pre_queue_key(secret, gate, opens), size, number)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
