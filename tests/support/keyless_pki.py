#!/usr/bin/python3
"""Test-side stand-in for sigstore's Fulcio and Rekor keys: the PKI of cosign "keyless".

Run with /usr/bin/python3 (python3-cryptography). Two subcommands:

  keyless_pki.py ca OUTDIR
      root.pem, root-key.pem                  "Berth Test Fulcio Root", self-signed
      intermediate.pem, intermediate-key.pem  "Berth Test Fulcio Intermediate", by root
      other-root.pem, other-root-key.pem,     "Berth Untrusted Root" and
      other-intermediate.pem,                 "Berth Untrusted Intermediate": an unrelated
      other-intermediate-key.pem              chain, for "untrusted chain" tests
      rekor-key.pem, rekor.pub                the transparency log's key
      other-rekor-key.pem, other-rekor.pub    a second log key

  keyless_pki.py leaf OUTDIR --name NAME (--email ADDR | --uri URI) --issuer ISSUER_URL
                     --not-before ISO8601 --not-after ISO8601 [--ca other]
      NAME-key.pem    a fresh "ephemeral" signing key
      NAME.pem        its Fulcio-style certificate, issued by intermediate (or
                      other-intermediate with --ca other), which must already be in OUTDIR
      NAME-chain.pem  the issuing intermediate followed by its root, as cosign writes the
                      dev.sigstore.cosign/chain annotation

Every key is EC P-256, private keys PKCS#8 PEM, public keys SubjectPublicKeyInfo PEM.
The CAs are valid from 2020-01-01 to 2040-01-01. A leaf is like Fulcio's: empty subject,
critical SubjectAlternativeName (the email or URI identity), keyUsage digitalSignature,
extendedKeyUsage codeSigning, and the OIDC issuer twice: in 1.3.6.1.4.1.57264.1.1 as raw
UTF-8 (the deprecated form) and in 1.3.6.1.4.1.57264.1.8 as a DER UTF8String. Times are
ISO 8601, e.g. 2026-01-01T00:00:00Z; one without a zone is UTC.

Prints nothing on success. Exits 1 with one line on stderr on any failure.
"""

import argparse
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

CA_NOT_BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
CA_NOT_AFTER = datetime.datetime(2040, 1, 1, tzinfo=datetime.timezone.utc)
ISSUER_V1_OID = ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
ISSUER_V2_OID = ObjectIdentifier("1.3.6.1.4.1.57264.1.8")

CHAINS = {
    # prefix: (root CN, intermediate CN)
    "": ("Berth Test Fulcio Root", "Berth Test Fulcio Intermediate"),
    "other-": ("Berth Untrusted Root", "Berth Untrusted Intermediate"),
}


class PkiError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """Usage errors are failures like any other: one line, exit 1."""

    def error(self, message):
        fail(message)


def fail(message):
    sys.stderr.write("keyless_pki: error: %s\n" % message)
    sys.exit(1)


def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def write_private_key(path, key):
    write(path, key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


def write_public_key(path, key):
    write(path, key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))


def certificate_pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def load_certificate(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def load_private_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def common_name(name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])


def der_utf8_string(text):
    """DER of an ASN.1 UTF8String: tag 0x0c, definite length, the bytes."""
    body = text.encode("utf-8")
    if len(body) < 0x80:
        length = bytes([len(body)])
    else:
        octets = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(octets)]) + octets
    return b"\x0c" + length + body


def parse_time(text):
    """ISO 8601, trailing Z allowed; no zone means UTC."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise PkiError("not an ISO 8601 time: %s" % text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def ca_usage():
    return x509.KeyUsage(digital_signature=False, content_commitment=False,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                         decipher_only=False)


def signing_usage():
    return x509.KeyUsage(digital_signature=True, content_commitment=False,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=False, crl_sign=False, encipher_only=False,
                         decipher_only=False)


def builder(subject, issuer, public_key, not_before, not_after):
    return (x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.subject if issuer is not None else subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                           critical=False))


def authority_key_id(issuer):
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def make_root(name, key):
    return (builder(common_name(name), None, key.public_key(), CA_NOT_BEFORE, CA_NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(ca_usage(), critical=True)
            .sign(key, hashes.SHA256()))


def make_intermediate(name, key, root, root_key):
    return (builder(common_name(name), root, key.public_key(), CA_NOT_BEFORE, CA_NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(ca_usage(), critical=True)
            .add_extension(authority_key_id(root), critical=False)
            .sign(root_key, hashes.SHA256()))


def make_leaf(key, identity, issuer_url, not_before, not_after, ca, ca_key):
    return (builder(x509.Name([]), ca, key.public_key(), not_before, not_after)
            .add_extension(x509.SubjectAlternativeName([identity]), critical=True)
            .add_extension(signing_usage(), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
            .add_extension(authority_key_id(ca), critical=False)
            .add_extension(x509.UnrecognizedExtension(ISSUER_V1_OID, issuer_url.encode("utf-8")),
                           critical=False)
            .add_extension(x509.UnrecognizedExtension(ISSUER_V2_OID, der_utf8_string(issuer_url)),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))


def write_chain(outdir, prefix, root_name, intermediate_name):
    root_key = new_key()
    root = make_root(root_name, root_key)
    intermediate_key = new_key()
    intermediate = make_intermediate(intermediate_name, intermediate_key, root, root_key)
    write_private_key(os.path.join(outdir, prefix + "root-key.pem"), root_key)
    write(os.path.join(outdir, prefix + "root.pem"), certificate_pem(root))
    write_private_key(os.path.join(outdir, prefix + "intermediate-key.pem"), intermediate_key)
    write(os.path.join(outdir, prefix + "intermediate.pem"), certificate_pem(intermediate))


def write_log_key(outdir, prefix):
    key = new_key()
    write_private_key(os.path.join(outdir, prefix + "rekor-key.pem"), key)
    write_public_key(os.path.join(outdir, prefix + "rekor.pub"), key)


def command_ca(args):
    os.makedirs(args.outdir, exist_ok=True)
    for prefix, (root_name, intermediate_name) in CHAINS.items():
        write_chain(args.outdir, prefix, root_name, intermediate_name)
        write_log_key(args.outdir, prefix)


def command_leaf(args):
    prefix = "other-" if args.ca == "other" else ""
    root = load_certificate(os.path.join(args.outdir, prefix + "root.pem"))
    intermediate = load_certificate(os.path.join(args.outdir, prefix + "intermediate.pem"))
    intermediate_key = load_private_key(os.path.join(args.outdir,
                                                     prefix + "intermediate-key.pem"))
    if args.email is not None:
        identity = x509.RFC822Name(args.email)
    else:
        identity = x509.UniformResourceIdentifier(args.uri)
    not_before = parse_time(args.not_before)
    not_after = parse_time(args.not_after)
    if not_after <= not_before:
        raise PkiError("--not-after is not later than --not-before")
    key = new_key()
    leaf = make_leaf(key, identity, args.issuer, not_before, not_after, intermediate,
                     intermediate_key)
    write_private_key(os.path.join(args.outdir, args.name + "-key.pem"), key)
    write(os.path.join(args.outdir, args.name + ".pem"), certificate_pem(leaf))
    write(os.path.join(args.outdir, args.name + "-chain.pem"),
          certificate_pem(intermediate) + certificate_pem(root))


def parse_arguments():
    parser = Parser(description="Fulcio- and Rekor-like keys and certificates for tests.")
    commands = parser.add_subparsers(dest="command", required=True)

    ca = commands.add_parser("ca", help="root, intermediate and log keys, trusted and not")
    ca.add_argument("outdir")
    ca.set_defaults(run=command_ca)

    leaf = commands.add_parser("leaf", help="an ephemeral key and its Fulcio-style certificate")
    leaf.add_argument("outdir")
    leaf.add_argument("--name", required=True, help="file name stem")
    identity = leaf.add_mutually_exclusive_group(required=True)
    identity.add_argument("--email", help="SAN rfc822Name")
    identity.add_argument("--uri", help="SAN uniformResourceIdentifier")
    leaf.add_argument("--issuer", required=True, help="OIDC issuer URL")
    leaf.add_argument("--not-before", required=True, help="ISO 8601, e.g. 2026-01-01T00:00:00Z")
    leaf.add_argument("--not-after", required=True, help="ISO 8601")
    leaf.add_argument("--ca", choices=["trusted", "other"], default="trusted",
                      help="issuing chain: intermediate.pem (default) or other-intermediate.pem")
    leaf.set_defaults(run=command_leaf)
    return parser.parse_args()


def main():
    args = parse_arguments()
    try:
        args.run(args)
    except (PkiError, OSError, ValueError, TypeError) as error:
        fail(error)


if __name__ == "__main__":
    main()
