#!/usr/bin/python3
"""Test-side signer: writes cosign's accessory layouts into a registry, independent of Berth.

Debian's skopeo and podman are built without sigstore, so the tests sign here, with
python3-cryptography, and push over the registry API with scripts/seed-registry's client.

Usage:
  cosign_signer.py --registry 127.0.0.1:PORT [--tls --ca-file CA.pem]
                   [--username USER --password-env VAR] SPEC.json

SPEC.json:
  {"repository": "acme/api",
   "signatures": [{"subject": "sha256:...", "key": "private.pem",
                   "reference": "127.0.0.1:PORT/acme/api",
                   "signedDigest": "sha256:...",   # default: subject
                   "corrupt": false,               # flip one byte of the signature
                   "certificate": "leaf.pem", "chain": "chain.pem"}],   # optional
   "attestations": [{"subject": "sha256:...", "key": "private.pem",
                     "predicateType": "https://slsa.dev/provenance/v1",
                     "predicate": {...}}],
   "sboms": [{"subject": "sha256:...", "document": {...}}]}

Signatures and attestations of one subject go into one manifest, one layer each, as
cosign appends them: tag sha256-<hex>.sig, .att; an SBOM goes under sha256-<hex>.sbom.
The key decides the algorithm: ECDSA (P-256, P-384) signs with SHA-256, RSA with
PKCS#1 v1.5 and SHA-256, Ed25519 the message itself.

Prints {"signatures": [{"subject", "tag", "manifestDigest", "signed", "signature"}],
"attestations": [...the same...], "sboms": [{"subject", "tag", "manifestDigest"}]}:
"signed" is what the signature covers (the simple-signing payload, or the envelope's DSSE
pre-authentication encoding), both in base64, so a test can check each with the openssl
command line. Exits 1 with one line on stderr on
any failure.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import threading

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_REGISTRY = os.path.join(HERE, "..", "..", "scripts", "seed-registry")

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json"
IN_TOTO = "application/vnd.in-toto+json"
SPDX_JSON = "text/spdx+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate"
CHAIN_ANNOTATION = "dev.sigstore.cosign/chain"


def load_seed_registry():
    loader = importlib.machinery.SourceFileLoader("seed_registry", SEED_REGISTRY)
    spec = importlib.util.spec_from_loader("seed_registry", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def sign(key_file, message):
    with open(key_file, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    raise ValueError("%s: unsupported key type" % key_file)


def sign_entry(entry, message):
    """The entry's signature over `message`, one byte flipped when it asks to be corrupt."""
    signature = sign(entry["key"], message)
    if not entry.get("corrupt"):
        return signature
    flipped = bytearray(signature)
    flipped[len(flipped) // 2] ^= 0x01
    return bytes(flipped)


def pae(payload_type, body):
    """DSSE's pre-authentication encoding: what an envelope's signature covers."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def subject_tag(subject, suffix):
    algorithm, hex_digest = subject.split(":", 1)
    return "%s-%s.%s" % (algorithm, hex_digest, suffix)


def by_subject(entries):
    grouped = {}
    for entry in entries:
        grouped.setdefault(entry["subject"], []).append(entry)
    return grouped


class Signer:
    def __init__(self, seeder, pool):
        self.seeder = seeder
        self.pool = pool
        # Two threads pushing the same bytes at once (one payload signed for two subjects)
        # race in the registry: the second can see the blob before its upload is committed
        # and its manifest is refused. Each digest is pushed by one thread at a time.
        self.blob_locks = {}
        self.blob_locks_guard = threading.Lock()

    def push_blob(self, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        with self.blob_locks_guard:
            lock = self.blob_locks.setdefault(digest, threading.Lock())
        with lock:
            return self.seeder.push_blob(data)

    def push_manifest(self, tag, layers):
        """One OCI manifest over `layers` (blob bytes, media type, annotations)."""
        descriptors = []
        for data, media_type, annotations in layers:
            digest = self.push_blob(data)
            descriptor = {"mediaType": media_type, "size": len(data), "digest": digest}
            if annotations:
                descriptor["annotations"] = annotations
            descriptors.append(descriptor)
        config = canonical({
            "architecture": "", "os": "", "config": {},
            "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descriptors]},
        })
        manifest = canonical({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "size": len(config),
                       "digest": self.push_blob(config)},
            "layers": descriptors,
        })
        self.seeder.put_manifest(tag, manifest, OCI_MANIFEST)
        return "sha256:" + hashlib.sha256(manifest).hexdigest()

    def signed_accessories(self, entries, suffix, make_layer):
        """One manifest per subject under sha256-<hex>.<suffix>, a layer per entry."""
        def push(subject_and_group):
            subject, group = subject_and_group
            tag = subject_tag(subject, suffix)
            made = [make_layer(subject, entry) for entry in group]
            manifest_digest = self.push_manifest(tag, [layer for layer, _, _ in made])
            return [{"subject": subject, "tag": tag, "manifestDigest": manifest_digest,
                     "signed": base64.b64encode(message).decode(),
                     "signature": base64.b64encode(signature).decode()}
                    for _, message, signature in made]
        results = []
        for group_results in self.pool.map(push, by_subject(entries).items()):
            results.extend(group_results)
        return results

    @staticmethod
    def signature_layer(subject, entry):
        payload = canonical({
            "critical": {
                "identity": {"docker-reference": entry["reference"]},
                "image": {"docker-manifest-digest": entry.get("signedDigest", subject)},
                "type": "cosign container image signature",
            },
            "optional": None,
        })
        signature = sign_entry(entry, payload)
        annotations = {SIGNATURE_ANNOTATION: base64.b64encode(signature).decode()}
        for key, annotation in (("certificate", CERTIFICATE_ANNOTATION),
                                ("chain", CHAIN_ANNOTATION)):
            if entry.get(key):
                with open(entry[key], encoding="ascii") as f:
                    annotations[annotation] = f.read()
        return (payload, SIMPLE_SIGNING, annotations), payload, signature

    @staticmethod
    def attestation_layer(subject, entry):
        algorithm, hex_digest = subject.split(":", 1)
        statement = canonical({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": entry.get("name", "image"), "digest": {algorithm: hex_digest}}],
            "predicateType": entry["predicateType"],
            "predicate": entry.get("predicate", {}),
        })
        message = pae(IN_TOTO, statement)
        signature = sign_entry(entry, message)
        envelope = canonical({
            "payloadType": IN_TOTO,
            "payload": base64.b64encode(statement).decode(),
            "signatures": [{"keyid": "", "sig": base64.b64encode(signature).decode()}],
        })
        annotations = {SIGNATURE_ANNOTATION: "", "predicateType": entry["predicateType"]}
        return (envelope, DSSE_ENVELOPE, annotations), message, signature

    def sboms(self, entries):
        results = []
        for entry in entries:
            tag = subject_tag(entry["subject"], "sbom")
            document = canonical(entry.get("document", {"spdxVersion": "SPDX-2.3"}))
            manifest_digest = self.push_manifest(tag, [(document, SPDX_JSON, None)])
            results.append({"subject": entry["subject"], "tag": tag,
                            "manifestDigest": manifest_digest})
        return results


def main():
    parser = argparse.ArgumentParser(description="Push cosign-format accessories.")
    parser.add_argument("--registry", required=True, help="host:port")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--ca-file")
    parser.add_argument("--username")
    parser.add_argument("--password-env")
    parser.add_argument("spec")
    args = parser.parse_args()

    seed_registry = load_seed_registry()
    try:
        password = os.environ.get(args.password_env) if args.password_env else None
        with open(args.spec, encoding="utf-8") as f:
            spec = json.load(f)
        registry = seed_registry.Registry(args.registry, args.tls, args.ca_file, args.username,
                                          password)
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            signer = Signer(seed_registry.Seeder(registry, spec["repository"]), pool)
            answer = {
                "signatures": signer.signed_accessories(spec.get("signatures") or [], "sig",
                                                        Signer.signature_layer),
                "attestations": signer.signed_accessories(spec.get("attestations") or [], "att",
                                                          Signer.attestation_layer),
                "sboms": signer.sboms(spec.get("sboms") or []),
            }
        json.dump(answer, sys.stdout, indent=1)
        sys.stdout.write("\n")
    except (seed_registry.SeedError, OSError, ValueError, KeyError) as error:
        sys.stderr.write("cosign_signer: error: %s\n" % error)
        sys.exit(1)


if __name__ == "__main__":
    main()
