"""`knet-check`, the go-live rehearsal, against the fake bank (tests/fakes/knet_bank.py) on
its own port: as `flask --app app knet-check` in a process of its own, and under the
other answer of each thing no public source settles. Then KNET_CA_BUNDLE: the bank's
inquiry and refund calls, and the rehearsal's handshake, trust that bundle."""

import datetime as dt
import os
import subprocess
import sys
from ipaddress import ip_address
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateways.payments import GatewayUnavailable
from gateways.payments.knet import KnetGateway
from gateways.payments.knet_check import rehearse
from tests.fakes.knet_bank import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID, KnetBank
from tests.helpers import make_app

ROOT = Path(__file__).resolve().parents[2]
PAID_TRACK_ID = "2601100800001234567"


@pytest.fixture
def bank():
    fake = KnetBank().serve_in_thread()
    yield fake
    fake.stop()


def knet_settings(bank_url: str) -> dict:
    return {
        "PAYMENT_GATEWAY": "knet",
        "KNET_TRANPORTAL_ID": TRANPORTAL_ID,
        "KNET_PASSWORD": PASSWORD,
        "KNET_RESOURCE_KEY": RESOURCE_KEY,
        "KNET_GATEWAY_URL": bank_url,
        "KNET_TIMEOUT": "5",
    }


def adapter(url: str, **options) -> KnetGateway:
    return KnetGateway(
        tranportal_id=TRANPORTAL_ID, password=PASSWORD, resource_key=RESOURCE_KEY, gateway_url=url, **options
    )


def paid_at(bank: KnetBank) -> None:
    """A test payment paid at the bank (as a test card on the test host would)."""
    from tests.fakes.knet_bank import BankPayment

    bank.payments[PAID_TRACK_ID] = BankPayment(
        PAID_TRACK_ID, "100000000000000001", "110.000", "EN", "https://x/n", "https://x/r", {}
    )
    bank.decide(PAID_TRACK_ID)


def test_knet_check_runs_as_a_command_and_changes_nothing(bank, tmp_path):
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-" + "x" * 40,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **knet_settings(bank.url),
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "knet-check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "TLS handshake: none, http:// is not https" in out
    assert "Inquiry for the unknown track id 99" in out
    assert "fields error_code_tag, error_service_tag, result" in out
    assert "Not found is IPAY0100263" in out
    assert "Inquiry amt: cannot be learned without a real payment" in out
    assert "Notice Content-Type: cannot be learned without a real payment" in out
    assert "knet-check passed: nothing was changed." in out
    assert [fields["action"] for fields in bank.inquiries] == ["8"]  # one inquiry, nothing else
    assert bank.payments == {} and bank.track_ids_seen == []


@pytest.mark.parametrize("with_amt", [True, False])
@pytest.mark.parametrize("tranid", ["purchase", "own"])
def test_knet_check_reports_amt_and_tranid_of_a_paid_test_payment(bank, with_amt, tranid):
    bank.inquiry_amt, bank.inquiry_tranid = with_amt, tranid
    paid_at(bank)
    purchase = bank.payments[PAID_TRACK_ID].tranid
    report = rehearse(adapter(bank.url), PAID_TRACK_ID, purchase)
    assert report.passed
    text = "\n".join(report.lines)
    assert ("Inquiry amt: carried (110.000)" in text) is with_amt
    assert ("Inquiry amt: not carried" in text) is not with_amt
    assert ("Inquiry tranid: the purchase's" in text) is (tranid == "purchase")
    assert (f"not the purchase's {purchase}" in text) is (tranid == "own")


def test_knet_check_through_the_app_reads_the_purchase_transaction_id(bank, tmp_path):
    paid_at(bank)
    app = make_app(tmp_path, **knet_settings(bank.url))
    result = app.test_cli_runner().invoke(args=["knet-check", "--track-id", PAID_TRACK_ID])
    assert result.exit_code == 0, result.output
    assert f"Inquiry for the paid track id {PAID_TRACK_ID}" in result.output
    assert "the signed notice's is not known to compare" in result.output  # no such payment of ours


@pytest.mark.parametrize(
    "code, text, passed, says",
    [
        ("IPAY0100330", "Transaction details not available", True, "Not found came as IPAY0100330"),
        ("IPAY0100015", "Invalid tranportal password", False, "did not answer not-found"),
    ],
)
def test_knet_check_under_another_not_found_answer(bank, code, text, passed, says):
    bank.not_found_code, bank.not_found_text = code, text
    report = rehearse(adapter(bank.url))
    assert report.passed is passed and says in "\n".join(report.lines)


def test_knet_check_fails_when_the_bank_is_down(bank):
    bank.down = True
    report = rehearse(adapter(bank.url))
    assert not report.passed and "was not answered" in report.lines[-1]


def test_knet_check_needs_knet(tmp_path):
    result = make_app(tmp_path).test_cli_runner().invoke(args=["knet-check"])
    assert result.exit_code != 0 and "PAYMENT_GATEWAY=knet" in result.output


# --- KNET_CA_BUNDLE ------------------------------------------------------------------------


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA of its own (as KNET's) and the bank's certificate for 127.0.0.1, signed by it."""
    now = dt.datetime.now(dt.UTC)  # certificates are for the real clock, not the app's
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake KNET CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "knet-ca.pem", folder / "bank.pem", folder / "bank.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_file, cert_file, key_file


@pytest.fixture
def tls_bank(tmp_path):
    ca_file, cert_file, key_file = _certificates(tmp_path)
    fake = KnetBank().serve_in_thread(tls=(str(cert_file), str(key_file)))
    yield fake, ca_file
    fake.stop()


def test_the_bank_calls_trust_knet_ca_bundle(tls_bank, tmp_path):
    bank, ca_file = tls_bank
    assert bank.url.startswith("https://127.0.0.1:")
    system_store = adapter(bank.url)
    with pytest.raises(GatewayUnavailable) as untrusted:
        system_store.inquire(PAID_TRACK_ID, 1000)
    assert "KNET_CA_BUNDLE" in untrusted.value.detail
    report = rehearse(system_store)
    assert not report.passed and "KNET_CA_BUNDLE" in report.lines[-1]
    app = make_app(tmp_path, **knet_settings(bank.url), KNET_CA_BUNDLE=str(ca_file))
    knet = app.extensions["payment_gateway"]
    assert knet.inquire(PAID_TRACK_ID, 1000).outcome == "unknown"  # not found, over verified TLS
    paid_at(bank)
    assert knet.refund(PAID_TRACK_ID, "", 1000).done
    report = rehearse(knet)
    assert report.passed and "TLS handshake with 127.0.0.1" in report.lines[0]
    assert "issued by Fake KNET CA" in report.lines[0]


def test_a_ca_bundle_that_is_not_pem_is_refused_at_start(tmp_path):
    from settings import ConfigError

    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigError, match="KNET_CA_BUNDLE"):
        make_app(tmp_path, KNET_CA_BUNDLE=str(junk))
