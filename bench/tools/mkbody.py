#!/usr/bin/env python3
"""Builds the saveImage multipart/form-data body that every upload case sends (WIRE.md section 1).

Fields appKey, length, [isStorage], sign, then the file part `mmfile`. sign is the upper-case hex
SHA-1 of name+value for every signed parameter plus the pseudo parameter `secret`, names in byte
order. Every request of a case can carry the same body: same length, so the same sign.

Writes the body to --out and prints the Content-Type header value on stdout.
"""
import argparse
import hashlib
import os

BOUNDARY = "----mmfileBenchBoundary7MA4YWxkTrZu0gW"


def sign(params, secret):
    signed = dict(params)
    signed["secret"] = secret
    plain = "".join(name + signed[name] for name in sorted(signed, key=lambda n: n.encode()))
    return hashlib.sha1(plain.encode()).hexdigest().upper()


def form_head(app_key, secret, length, is_storage=None, cache_time=None, filename="bench.jpg"):
    """Everything before the file's bytes; the body ends with form_tail()."""
    params = {"appKey": app_key, "length": str(length)}
    if is_storage is not None:
        params["isStorage"] = is_storage
    if cache_time is not None:
        params["cacheTime"] = str(cache_time)
    fields = dict(params)
    fields["sign"] = sign(params, secret)
    out = []
    for name, value in fields.items():
        out.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    out.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="mmfile"; filename="{filename}"\r\n'
               'Content-Type: image/jpeg\r\n\r\n')
    return "".join(out).encode()


def form_tail():
    return f"\r\n--{BOUNDARY}--\r\n".encode()


CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--app-key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--file", required=True, help="the image to upload")
    p.add_argument("--is-storage", help="value of isStorage (omit the field when not given)")
    p.add_argument("--cache-time", help="value of cacheTime (omit the field when not given)")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    with open(a.file, "rb") as f:
        data = f.read()
    body = form_head(a.app_key, a.secret, len(data), a.is_storage, a.cache_time) + data + form_tail()
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(body)
    os.replace(tmp, a.out)
    print(CONTENT_TYPE)


if __name__ == "__main__":
    main()
