"""A local stand-in for a K-Net bank gateway, on 127.0.0.1, speaking the protocol of the
public integration kits: `PaymentHTTP.htm?param=paymentInit` with encrypted `trandata`,
results encrypted the same way, and `tranPipe.htm?param=tranInit` XML for inquiry
(action 8) and refund (action 2). Tests steer it: complete a payment with any result,
answer inquiries wrongly, or go down.
"""
import html
import secrets
import threading
from urllib.parse import parse_qs, quote
from wsgiref.simple_server import WSGIRequestHandler, make_server

from gateways.payments.knet import decrypt_trandata, encrypt_trandata, parse_pairs, parse_xml_fields

TRANPORTAL_ID = "900123"
PASSWORD = "fake-password"
RESOURCE_KEY = "A1B2C3D4E5F6G7H8"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class FakeKnet:
    def __init__(self):
        self.payments: dict[str, dict] = {}
        self.down = False
        self.inquiry_answer = None  # a raw body to answer every inquiry with, when set
        self.inquiries: list[dict] = []
        self.server = make_server("127.0.0.1", 0, self, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}/kpg"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- what the bank does when the person acts on its page ---------------------

    def complete(self, track_id: str, result: str = "CAPTURED", **changes) -> dict:
        """The person finished on the bank's page: the form fields the bank posts to
        the response URL, and what later inquiries will say."""
        payment = self.payments[track_id]
        payment.update(result=result, auth=f"{secrets.randbelow(10 ** 6):06d}" if result == "CAPTURED" else "",
                       ref=f"{secrets.randbelow(10 ** 12):012d}", tranid=f"{secrets.randbelow(10 ** 15):015d}")
        fields = {"paymentid": payment["paymentid"], "result": result, "auth": payment["auth"],
                  "ref": payment["ref"], "avr": "N", "postdate": "0110", "tranid": payment["tranid"],
                  "trackid": track_id, "udf1": payment["udf1"], "udf2": "", "udf3": "", "udf4": "",
                  "udf5": "", "amt": payment["amt"], "authRespCode": "00" if result == "CAPTURED" else "05",
                  **changes}
        plain = "&".join(f"{name}={value}" for name, value in fields.items())
        return {"trandata": encrypt_trandata(plain, RESOURCE_KEY)}

    # --- HTTP ------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path, query = environ["PATH_INFO"], parse_qs(environ.get("QUERY_STRING", ""))
        if self.down:
            return self._answer(start_response, "503 Service Unavailable", "down")
        if path == "/kpg/PaymentHTTP.htm" and query.get("param") == ["paymentInit"]:
            return self._payment_init(query, start_response)
        if path == "/kpg/tranPipe.htm" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            return self._tran_pipe(environ["wsgi.input"].read(length).decode(), start_response)
        return self._answer(start_response, "404 Not Found", "no such page")

    def _payment_init(self, query, start_response):
        try:
            fields = parse_pairs(decrypt_trandata(query["trandata"][0], RESOURCE_KEY))
        except Exception:
            return self._answer(start_response, "400 Bad Request", "!ERROR!-IPAY0100020-Invalid trandata")
        if (fields.get("id"), fields.get("password")) != (TRANPORTAL_ID, PASSWORD) or \
                query.get("tranportalId") != [TRANPORTAL_ID]:
            return self._answer(start_response, "400 Bad Request", "!ERROR!-IPAY0100024-Invalid tranportal id")
        track_id = fields["trackid"]
        existing = self.payments.get(track_id)
        self.payments[track_id] = {
            "paymentid": existing["paymentid"] if existing else f"{secrets.randbelow(10 ** 18):018d}",
            "amt": fields["amt"], "udf1": fields.get("udf1", ""), "langid": fields["langid"],
            "currencycode": fields["currencycode"], "action": fields["action"],
            "responseURL": fields["responseURL"], "errorURL": fields["errorURL"], "result": None,
            "auth": "", "ref": "", "tranid": "", "refunded": []}
        page = (f"<!doctype html><title>Fake K-Net</title><p>Pay {html.escape(fields['amt'])} KWD"
                f"<p id=paymentid>{self.payments[track_id]['paymentid']}")
        return self._answer(start_response, "200 OK", page, "text/html")

    def _tran_pipe(self, body, start_response):
        fields = parse_xml_fields(body)
        self.inquiries.append(fields)
        if (fields.get("id"), fields.get("password")) != (TRANPORTAL_ID, PASSWORD):
            return self._xml(start_response, {"error_code_tag": "IPAY0100024",
                                              "error_text": "Invalid tranportal id"})
        if self.inquiry_answer is not None:
            return self._answer(start_response, "200 OK", self.inquiry_answer, "application/xml")
        if fields.get("action") == "8":
            payment = self.payments.get(fields.get("transid", ""))
            if payment is None or payment["result"] is None:
                return self._xml(start_response, {"result": "!ERROR!-IPAY0100263-Transaction not found"})
            return self._xml(start_response, {
                "result": payment["result"], "auth": payment["auth"], "ref": payment["ref"],
                "avr": "N", "postdate": "0110", "tranid": payment["tranid"],
                "payid": payment["paymentid"], "trackid": fields["transid"], "udf1": payment["udf1"],
                "udf5": "TrackID", "amt": payment["amt"]})
        if fields.get("action") == "2":
            match = [p for p in self.payments.values() if p["tranid"] == fields.get("transid")]
            if not match or match[0]["result"] != "CAPTURED":
                return self._xml(start_response, {"result": "NOT CAPTURED"})
            match[0]["refunded"].append(fields["amt"])
            return self._xml(start_response, {"result": "CAPTURED", "ref": "RF" + match[0]["ref"],
                                              "amt": fields["amt"], "trackid": fields.get("trackid", "")})
        return self._xml(start_response, {"error_code_tag": "IPAY0100001", "error_text": "Bad action"})

    def _xml(self, start_response, fields):
        body = "".join(f"<{name}>{html.escape(str(value), quote=False)}</{name}>"
                       for name, value in fields.items())
        return self._answer(start_response, "200 OK", body, "application/xml")

    @staticmethod
    def _answer(start_response, status, body, kind="text/plain"):
        data = body.encode()
        start_response(status, [("Content-Type", f"{kind}; charset=utf-8"),
                                ("Content-Length", str(len(data)))])
        return [data]


def error_url_params(track_id: str, payment_id: str = "") -> dict:
    """What K-Net puts in clear on the error URL when the person cancels."""
    return {"paymentid": payment_id, "trackid": track_id, "Error": "IPAY0100030",
            "ErrorText": quote("Transaction cancelled by user")}
