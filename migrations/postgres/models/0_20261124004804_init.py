from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "account" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "client_number" VARCHAR(20) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "must_change_password" BOOL NOT NULL,
    "pin_hash" VARCHAR(255),
    "created_at" TIMESTAMPTZ NOT NULL,
    "password_changed_at" TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS "activity_event" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "at" TIMESTAMPTZ NOT NULL,
    "actor" VARCHAR(200) NOT NULL,
    "action" VARCHAR(60) NOT NULL,
    "summary" VARCHAR(500) NOT NULL,
    "ip_address" VARCHAR(45),
    "user_agent" VARCHAR(300),
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "contact" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "company_name" VARCHAR(200),
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "phone" VARCHAR(20),
    "street" VARCHAR(200),
    "neighborhood" VARCHAR(100),
    "city" VARCHAR(100),
    "state" VARCHAR(100),
    "postal_code" VARCHAR(16),
    "country_code" VARCHAR(2),
    "active" BOOL NOT NULL,
    "permissions" JSONB NOT NULL,
    "email_categories" JSONB NOT NULL,
    "language" VARCHAR(2) NOT NULL,
    "password_hash" VARCHAR(255),
    "must_change_password" BOOL NOT NULL,
    "invitation_token_hash" VARCHAR(64) UNIQUE,
    "invitation_expires_at" TIMESTAMPTZ,
    "last_sign_in_at" TIMESTAMPTZ,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "contact"."language" IS 'ES: ES\nEN: EN';
CREATE TABLE IF NOT EXISTS "api_token" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "permissions" JSONB NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "created_by_contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "holder" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "company_name" VARCHAR(200),
    "national_id_type" VARCHAR(16),
    "national_id" VARCHAR(40),
    "tax_id_type" VARCHAR(16),
    "tax_id" VARCHAR(40),
    "email" VARCHAR(254) NOT NULL,
    "phone" VARCHAR(20),
    "street" VARCHAR(200),
    "neighborhood" VARCHAR(100),
    "city" VARCHAR(100),
    "state" VARCHAR(100),
    "postal_code" VARCHAR(16),
    "country_code" VARCHAR(2),
    "language" VARCHAR(2) NOT NULL,
    "version" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "account_id" INT NOT NULL UNIQUE REFERENCES "account" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "holder"."kind" IS 'PERSON: PERSON\nCOMPANY: COMPANY';
COMMENT ON COLUMN "holder"."national_id_type" IS 'AR_DNI: AR_DNI\nAR_CUIT: AR_CUIT\nAR_CUIL: AR_CUIL\nMX_RFC: MX_RFC\nMX_CURP: MX_CURP\nPASSPORT: PASSPORT\nOTHER: OTHER';
COMMENT ON COLUMN "holder"."tax_id_type" IS 'AR_DNI: AR_DNI\nAR_CUIT: AR_CUIT\nAR_CUIL: AR_CUIL\nMX_RFC: MX_RFC\nMX_CURP: MX_CURP\nPASSPORT: PASSPORT\nOTHER: OTHER';
COMMENT ON COLUMN "holder"."language" IS 'ES: ES\nEN: EN';
CREATE TABLE IF NOT EXISTS "recovery_request" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "voided_at" TIMESTAMPTZ,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "service" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "domain" VARCHAR(253),
    "status" VARCHAR(24) NOT NULL,
    "status_before_cancellation" VARCHAR(24),
    "payment_method" VARCHAR(16) NOT NULL,
    "recurring_amount" DECIMAL(12,2),
    "currency" VARCHAR(3) NOT NULL,
    "started_at" TIMESTAMPTZ NOT NULL,
    "next_due_date" DATE,
    "cancelled_at" TIMESTAMPTZ,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "service"."kind" IS 'HOSTING: HOSTING\nDOMAIN: DOMAIN\nEMAIL: EMAIL\nVPS: VPS\nOTHER: OTHER';
COMMENT ON COLUMN "service"."status" IS 'ACTIVE: ACTIVE\nSUSPENDED: SUSPENDED\nCANCELLATION_PENDING: CANCELLATION_PENDING\nCANCELLED: CANCELLED';
COMMENT ON COLUMN "service"."status_before_cancellation" IS 'ACTIVE: ACTIVE\nSUSPENDED: SUSPENDED\nCANCELLATION_PENDING: CANCELLATION_PENDING\nCANCELLED: CANCELLED';
COMMENT ON COLUMN "service"."payment_method" IS 'MANUAL: MANUAL\nAUTOMATIC_DEBIT: AUTOMATIC_DEBIT';
CREATE TABLE IF NOT EXISTS "cancellation" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "open_service_id" INT UNIQUE,
    "status" VARCHAR(24) NOT NULL,
    "reason" VARCHAR(500) NOT NULL,
    "requested_at" TIMESTAMPTZ NOT NULL,
    "requested_by" VARCHAR(200) NOT NULL,
    "code_hash" VARCHAR(64),
    "code_expires_at" TIMESTAMPTZ,
    "attempts_left" INT NOT NULL,
    "confirmed_at" TIMESTAMPTZ,
    "effective_by" TIMESTAMPTZ,
    "complete_after" TIMESTAMPTZ,
    "completion_started_at" TIMESTAMPTZ,
    "completed_at" TIMESTAMPTZ,
    "withdrawn_at" TIMESTAMPTZ,
    "expired_at" TIMESTAMPTZ,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "service_id" INT NOT NULL REFERENCES "service" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "cancellation"."status" IS 'AWAITING_CONFIRMATION: AWAITING_CONFIRMATION\nSCHEDULED: SCHEDULED\nCOMPLETED: COMPLETED\nWITHDRAWN: WITHDRAWN\nEXPIRED: EXPIRED';
CREATE TABLE IF NOT EXISTS "mail_message" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "category" VARCHAR(16) NOT NULL,
    "template" VARCHAR(60) NOT NULL,
    "message_id" VARCHAR(200) NOT NULL UNIQUE,
    "subject" VARCHAR(300) NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT,
    "search_text" TEXT NOT NULL,
    "delivery_status" VARCHAR(8) NOT NULL,
    "queued_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "resent_from_id" INT REFERENCES "mail_message" ("id") ON DELETE SET NULL,
    "service_id" INT REFERENCES "service" ("id") ON DELETE SET NULL
);
COMMENT ON COLUMN "mail_message"."category" IS 'GENERAL: GENERAL\nPRODUCTS: PRODUCTS\nDOMAINS: DOMAINS\nNOTES: NOTES\nSUPPORT: SUPPORT';
COMMENT ON COLUMN "mail_message"."delivery_status" IS 'QUEUED: QUEUED\nSENT: SENT\nFAILED: FAILED';
CREATE TABLE IF NOT EXISTS "mail_recipient" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "address" VARCHAR(254) NOT NULL,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE SET NULL,
    "message_id" INT NOT NULL REFERENCES "mail_message" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "mail_recipient" IS 'One actual recipient of a message; `contact` is set when it was a contact''s address.';
CREATE TABLE IF NOT EXISTS "outbox_message" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(8) NOT NULL,
    "text_body" TEXT,
    "html_body" TEXT,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ NOT NULL,
    "lease_until" TIMESTAMPTZ,
    "claim_token" VARCHAR(32),
    "last_error" VARCHAR(500),
    "message_id" INT NOT NULL UNIQUE REFERENCES "mail_message" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "outbox_message"."status" IS 'QUEUED: QUEUED\nSENT: SENT\nFAILED: FAILED';
CREATE TABLE IF NOT EXISTS "session" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_seen_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "ended_at" TIMESTAMPTZ,
    "ip_address" VARCHAR(45),
    "user_agent" VARCHAR(300),
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXWtz4jgW/SsuvmxvVbark0Cmi93aKkLc3cwQyAKZ6Z1ly2OMCN62ZcaPpFMz/d9X8g"
    "O/JMc2mMhqfYkd2VfAuXrcx5H0R8e01sBw3g40zfKg2+lLf3SgagJ0k310JnXU3S5+gAtc"
    "dWX476qJl1aOa6sarmujGg5ARWvgaLa+c3ULolLoGQYutDT0og4f4iIP6r97QHGtB+BugY"
    "0e/Oe/qFiHa/AVONG/uy/KRgfGOvVl9TX+bL9ccZ93ftkIuh/8F/GnrRTNMjwTxi/vnt2t"
    "Bfdv68HXfwAQ2KoLcPWu7eGvj79d+EOjXxR80/iV4CsmZNZgo3qGm/i5KyUu6yjKZLpQ5v"
    "JCUToVANIsiMFFX9Xxf/0D/gp/uzjv/tB9f3nVfY9e8b/mvuSHb8FHx8AEgj48k0Xnm/9c"
    "ddXgDR/jGFTN0AF0FeiZK6SNHL7DrWqTAc4JZrBGPyKLdYQsu2Cb6lfFAPDB3WKE3xUg+/"
    "NgNvw0mL25ePdX/IEW6g5BN5mETy78Rxj8GOyd6jhPlr1WtqqzrQJ2TvA4YEcFMdpxdz49"
    "3L1eGbx7PTrg+FkacdNzXEXbqvABKBGIeeCvLcsAKiRjT6sio4IVqqMpHexLGlBCAebX0+"
    "kY12w6zu+GXzBaZLC/v72WZ2/OfZWgl3QXJIedRMvXYfVGn5Cp1d7DoeM7au6aDTAciurm"
    "gb5BT1zdBJThPCWZgXsdir6Nblo42BSAvRjdyvPF4PYu1dhvBgsZP7nwS58zpW+uMnrZVy"
    "L9Mlp8kvC/0q/TiezDaTnug+1/Yvze4tcO/k6q51oKtJ4UdZ3EJCqOisjzSDAs1dE3pYoj"
    "KJ6xXtd2vWNzePMlYbvhgpWqfXlSkfZST+IGgmxz/VF3nwlTXSj54acZMFQfzLza925BUI"
    "v8CPKGc3u6fFwats5UX1J3OvJGvgDoHAjWTl/ganjFSVOhBowAhQOhGiaq4hYuC7qoFx6K"
    "VFALryCZqm4cBtAtquEWOI760GKbpBgkG2jWI7B1cGBbmgX1PM8A+u0Ot23KAfajrh0K1j"
    "yohV+QHOfwcXwe1MITSNi4si4smrmVfhTjubWMNSl8FqE5hWBhoT8vY/ppX1MrzWwyouaF"
    "mUHUVCEastdhdViYaHMSY9UZo7QoYh28qoD9uyJwfaoG0XTgurrLK0IbjLq4KXdMc61KeY"
    "i9AI8h8XflUhBFOYhcEgKPisEMVAFi8pzFA8ZXZSC+oiN8lQPY8UxTtQmxFzrCCREOIe6V"
    "asa9gmbcyzdjfYeHFTTyEIxYOtBpKf6yCt0ySYUuPafQzaUUPORQKchWg4T5lo5zWoo/nC"
    "9LNenLgiZ9SRqZfYaFUsleTAu9bDe2YfQ4gumYC5vnYM5j/MGygf4AfwLPPtQj9KVwpLIo"
    "QL6vqWUQ09w1VGyrT3sfJtO6EALod4MgyTsczIeDG7nzjZ6QqORNV3UUo3g7yUdMxOIL3M"
    "Mo8i88Q648Q/9aYa6K3ufQ8jovNU2dF0xT5/lpagdsU6fFD3+cTyeUjHNaLOuH65or/SkZ"
    "enOR6c4/Nh70XRlp5emGq0PnLf68f3aaHWRJ0GOYUi55hPib28HnrDKG4+l11tfGFVxnFO"
    "MPZpVpNmkp7lh8V90y/l2X7t91Bcnmu4xEga87HVVXQ81pSUGpYVnLhuq4CvJW63TnrKzQ"
    "NMuatsEjmunq6DktKbTMspZFDOWYTlbe6Fk9KyG1qRrEVPlaaDPWgUTAqlUBq+J2fQSYy9"
    "P2GGvIZVGm9maWIoQpmikhSpilodIjhVr2TREsbNPQelYQLLR2ACohZ7DajEaQPMpcxgHc"
    "iVy4q7oeJUMrQ8/MDajptPhemuXYbGfwy2C0GE0+KsPp5MNodjtYjKaTvkQsXsL58JN8cz"
    "+Wb/rS/nYJh9Pbu7G8wKX72yXE9vLNbPALqm1/u4Ty57vRDL8Z3nTKqTZNLSkTFrugh8Uu"
    "cmExNCU41XglsQTL6mWJ9GAH3O2aXmxaVoQfmXZkY3WtKlGJsnIcdq1GaHEaMvsq505SQv"
    "yxXBrInWDA6kfWCeIiHMfyKKa6LjB3roPa1IagbXpELit3uqBcryWmNap+o9tmvURkRlZ0"
    "IpY7EdhsAF7KAoimwAu5yIys0DTLmtYsc4ejZ4q6cUnryV7q1Vlpoe0WaBshoDiuatfklN"
    "AqEbpvge4PUbnQdCs0/aS727WtPsEams7KCk2zrOnAMa3To9OSQsssa1kwTBpKFdVJwh0h"
    "/8YjroJM8ipkEifeNeZAbPnbfyaLbbrnMsUbCdk7JMpITOwpYIskXhJEkTYNm2cSnSiy0W"
    "3HVaquLUtLcZiLa2SFmU+srwp1SkggXQ5pHEpQ4XNlsLNy/OU+G0kyA/KOh3Sc9wLcrcu7"
    "6JViIPUKKEi9XHp5hzCq1I73Ajw24FLtt8LxBeizAKi0DUgswSO+DQwQELkJ25Vlby2LYM"
    "QVrGHPyPEHdzPTH3GP7IJpL3xfwFsKXszfrTQc7wUEwOW2YrAQYoaCaVGVZr20GIdgX5XB"
    "OhtFTkB9lTeUPejaz5Whzsrxh/VFmVmQPgeStid8JEBceEZPLHTCU3ki27m9h/KIjVwOVk"
    "cjG7n4Xp+iIdgeLPLG73TtkGSFio6uIkOFD1546kCdpU1J+dMFqzryvKICkERfkudLKE/Q"
    "1cfxlSeIVz5Ej+25WJyhx+8Zejp81F1/DbJSb6cvagVH6QgMxRaPv24lAV391SvUSgThh2"
    "XCj59YcvQHqOh1OHwEcaFvlvX9COzoWJuSOfSExOkoSOdNDaUN7RwktkvkutcIWqSg7522"
    "2zS8efmrHhHK5vT+8mmOig00oD8CkoNY8VjHGdD0nV7u5Nk2wvV65zq2Ea1Tn1jYFoyaJM"
    "KGZxESeLDxKYV0Gmx8JqJgwbbK+jiT6CzYL+hn1Q15R7IsczM7d/JsjjfvCq7BvlyDyb+D"
    "XbnQTZ0A+PGz0YKMLMjI/CEtyMin5Rr6xpJqIP8owKrmuE6qh2EVdAYz5WYy6kvBdQnRdX"
    "g/WvgF+CYqGUcl4yW8/azMPgz7UnD1/x/ez+78AnyzhHeD+fxuOkPVRHdLOF18kmd9yb+w"
    "MXEkdFWlh2XEGNZuzQ7WLdO/uvTu1c31LhdVf2DHylTBMOrfdZ8K1FSlO8USDOuUmZ702o"
    "tmmIJXLJsRy2Zajq9YNtN6R00smxHLZloMsFg2I5bNvDbWR2ZFCz76ayEv6GKdY9LFvN26"
    "Jl0sLSnoYoIuVkanrU/X5shiVXbNKkEsm0KwsNCf5mllr6qKxkhlB1EwMBHqFjiO6jeUHA"
    "8j+fisiIzhc7PMxJuCktGmPn4m0SkZ4VJPikP+suWXlGc5YNr5KE/k2WDcl8KbJbybTW/u"
    "hwtkEUZ3S3gzvR2MJqgovFlCVCc2Gv3LEs7v74KUQnjDSA4BmDujoteflGFZcTUdpKsyjv"
    "8V3e+/yrn94fhXMVmTluJvH64m4rGOt/ofIB2lWxDDikU4bMyXpVC+LED5Mo+yC766yspa"
    "E4b+BXpEGzUSQlwgXeQWyZ8XKY8ot/R/7xWNp5OP0evZ/QDSsG9d06gMe0qIh2jWqVF3gG"
    "prWwU33yq4Z8REg68BPfImdLzCQDnsNF9CNSeMNP7rXr4Pj8qtYHMGUn0puCLrUZ5g0xH9"
    "XcIPg5F/im9wrWNHvi8xJ7ynzgjvs/MBQsOrFTlLCYrAGdOBMwdAt4aKE2Ji9TnL+mUmMP"
    "ra9vOR8wpIRbgLbGzLrIZtXrAWvox1GV5Ob+EQVrH6+7s5vIWx1lsW2oKzW9BXkCb343GH"
    "NvgeAd9M1oNPjPPTDgXnMjsY+JWtD1w8zSXs2SX5wZYDR0CqyvYFbRliq602j3G1PHdlfa"
    "VjGqWYX0Z26tfEXyuskRaOGxglMZxqgS+khu3Uuy8lhzEnQEIveKoh7SUlayOpUpgt+bv0"
    "W3gM1m+S7kgOcKWnLYCSjq6qg94Ln/4F3a/XaHhy3mYDKI19iEhgs5XADnVTJVmUEOEion"
    "uCNT5hX6jmoKWFhIOW93uLcspUWAtTyt9vuKbA8U1Ql07qPLAGc1nvId3CXnZ+E2dWHohv"
    "4ojMdo0MZaFNj4mVnbImN2xKW8cEszBnPtPNwsBmF5xBLk2uwxK5In/bTP72lfg8bI7Dgs"
    "7DNeqqi+mrpEAbPcmZEDmdzfyO6SE+uQT+K07w+xDV4AcQxAURhGmigAFUBygedEmbo7xw"
    "JEFaVBBCWNazZqi6Gew/XSVElhHjYY7KUKrLrOO9pC/kvSSsoXZcBdi2ZVcBOi3FH869Ut"
    "T1XgF1vZenrjMTNmu9m3ek5Z/UAFvF5Z8HhtdasQS0THDteEGd7P7uhLAOYQt4emAn3Hf+"
    "WbETb4vQTpv6/FlBaKfe0XBHOA+OMZgbPhBOnGr00jDKhfFd/7C/o5/wJ9TcnJo9p96OM8"
    "4x+zFjXgBP+n209HUtDacEhY5Z1rFYONPQ+Y2COHQsWMXKjldZ2SHILccgt5Q4MrFJbku0"
    "qIYQ/kist6GHPRLLe0S0o1Wj5llBtKPqUUEcH8nUyEY+3J/39mk6X4wmH/tSeBNtIBbtH7"
    "aEMrqM+5J/WcKf7+Z9Cf1h8SCStWWiz6rSHWIJ/vJWF73LUiz6ywIW/SVpa/aWEecGw8Xo"
    "Z7lTsV8EUn0puOJt8+Z38uQG8+X2t0s4HEyG8ng8WIymEwUX+l2JVLp/F9ewv63Tby5KLY"
    "4oWBuRi+UGalFWYIPsQUXDqjPihWj1FU2rkeG+9l3pfac+m3iNrYlsOdq5IS/rOl/LCTv3"
    "7WByPxhX7dyBVF8Krks4uF+gyW4xGio38rV/ale6gI3pzQaaZ+NvoKgm2Ve+AZpuqgZ5ri"
    "OJZyN6gfzbsB5meuUx4nk38nB0Oxi/Ob84Czgxzu+GHnh2yVO5MrEfhBiAWrXDXhIyp5zm"
    "ZlWPEqjLOypDO6KzjgiTj10vkZiWFBkmpqPTPr927QFlTdzlF2u6gJibFCxSNF8jFtJbdj"
    "wKLKl6efeMrMjmsNxfRDZHpB0Yi41XPvmBgnnSHTxwo5lhxrPkBPk0VZh4+qvYuKjZZIvj"
    "BN+TkGxxosOripIt8Usi2dKmueKsINkiqKWCWsrEYMiFheuvG3IA6hvVFZ2VFapmWtWCRf"
    "x9qBnWI5km5URUgmUN6zulxm51aSmGs381TaBur4QJ1O1RTSD8KHMIrANsBbkmpMgEHee0"
    "FH84N3KIlAi0Cdo047CK+KWgTbMNLbu06QGwdW3bIQTywidnRXE8NX5HhPHaNGSeFYTxHo"
    "EdBWfLWlYJEZbZvLWZomUMWPRWAVM0Z8LiTlUB4fB1DtE9L2W1nhdYred5qxUPuETv4Mf5"
    "dEK3rciuwVrXXOlPydCdFk//JHAxGCnXOrdzX3aTvrO0z4wruD50k5lDJ7Nv/wd8PJNb"
)
