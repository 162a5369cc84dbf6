from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "recovery_code" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "code_hash" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_recovery_co_code_ha_04c57d" ON "recovery_code" ("code_hash");
COMMENT ON TABLE "recovery_code" IS 'One of a person''s single-use recovery codes (shown once, stored as a keyed hash).';
        CREATE TABLE IF NOT EXISTS "sign_in_challenge" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "attempts" INT NOT NULL,
    "used_at" TIMESTAMPTZ,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "sign_in_challenge" IS 'Between a right password and the second factor: short-lived, single-use, a few attempts.';
        CREATE TABLE IF NOT EXISTS "totp_factor" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "person" VARCHAR(40) NOT NULL UNIQUE,
    "secret" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "confirmed_at" TIMESTAMPTZ,
    "last_used_step" BIGINT,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "totp_factor" IS 'A person''s authenticator app (RFC 6238): pending until a correct code confirms it.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "totp_factor";
        DROP TABLE IF EXISTS "recovery_code";
        DROP TABLE IF EXISTS "sign_in_challenge";"""


MODELS_STATE = (
    "eJztXetz4ji2/1dcfJmeKqar85ze3K2tIoR0s0MgF8hM7w5TXseI4NtGZm1DOrU7//uV/A"
    "Bblh3LYCLU50twbB0ZfkeP89Z/Ggtnimzvfcs0nRX2G1fafxrYWCBywT5qag1judw+oDd8"
    "49EO2hqJRo+e7xom7Wtm2B4it6bIM11r6VsOJnfxyrbpTcckDS38tL21wta/V0j3nSfkz5"
    "FLHvz+B7lt4Sn6hrz43+VXfWYhe5r6staUvju4r/svy+BeF/u3QUP6tkfddOzVAm8bL1/8"
    "uYM3ra3w6z8hjFzDR7R7313Rr0+/XfRD418UftNtk/ArJmimaGasbD/xcx/17b2GrvcHY3"
    "3UGet6QwAg08EUXPJVveDXP9Gv8NPpyfnP5x/PLs8/kibB19zc+fnP8NVbYELCAJ7+uPFn"
    "8NzwjbBFgPEWVNO2EPZ1vFo8Em5k8G3PDZcPcIaQwZr8CBbrGFl5wV4Y33Qb4Sd/ThH+UI"
    "Dsr61h+3Nr+O70w4/0hQ6ZDuE06UdPToNHFPwt2EvD854dd6rPDW8uAnaGcD9gxze2aG+n"
    "8+Hhvrgog/fFRT7g9Fka8cXK83VzbuAnpMcgZoG/dhwbGZiPfV4XDAseSR918WBzpwYmFG"
    "B+PRj0aM8Lz/u3HdzojhnsH+6uO8N3JwFLSCPLR8llJzHyLSw+6BM0lcZ7tHR8R8PddBGF"
    "Qzf8LNA35IlvLVDOcp6iZOCeRqTv44sjXGwKwB537zqjcevuPjXYb1rjDn1yGtx9Ye6+u2"
    "T4sulE+607/qzRf7V/DvqdAE7H85/c4I3bduN/Nuh3Mla+o2PnWTemSUzi2/Et/j4SLktV"
    "+J3TxR4YL9msU4nvz+hx7jhfdQ8RaLGJBORhHunr0vG+5vUHqaXjLcDom49cbNg6T9fI36"
    "kYsr1sVhIJwicfykjCpFXuVhU8+5MZy7bpLKgm+BWJywZ8atWAvzwvgfvleS7s9BEfdfRt"
    "aZGFqcLGwe8B9g3Z9g1qRpl9Tej89MajYX59Nsiun3qyHR6G6Vtry3/hqEgR5e0vQ2QbAZ"
    "hZtm/MSWEvnTWqb0upn/Xbu9HoTM0kY2mFq4+3I1hLa0y7URUn0yDShh2isCNU7URXysLl"
    "YJ/Mwl2RCntRFSS0MCw70lx2RKpDu2oHPamKFv2Fu4F0R3q4Q55nqAsSdnzL3HUw9YNOVI"
    "XIRaazRu4LaTbdFalh1Feb/Ks4Xta+sBpS1d0rs6jLKUoXo+Uhd737DByFvag6pDyyCO8u"
    "R43CXpQFyXrCuoWpfGBTVXrnMUX66+J23JuqsPmOv9RnRGp03B0BG5OeboOOVMUqtqYiqu"
    "HuiNZvYV/KKcvU3uCcOnkWiPSjLbRzx57yIhFiSAcYjR3y53VgP296UmS7pPgtThcMogsD"
    "E7l8GnVHiblmGG7YD2OnKQr+CZuGIz5oCzFAhxoQdccAiRuBwUssqdU3ZaGMd+CyTpUNgY"
    "rRRaV8WKcFPqzTrA+LrorhDiQAMX/PUgHjyzIQX+YjfJkB2FstFobLcUfkI5wgURDii1LD"
    "+KJgGF9kh7G1pMsKWXk4kmw+0Gkq9QK0zsvEZ53nh2edZ6KzVh5ydSKrYc5+m49zmko9nM"
    "9KDemzgiF9xluZg2B1bhxHrryYJjpcdIzkomPGk5yBOYvxreMi6wn/gl4CqLvkSxn8qKNs"
    "CsKRQZynrpHbrvG80WGY0UUQIL8bhfGy7dao3brpNP7M99ELadOiimK4jN8g21oT5B8tm4"
    "YA8BRGbsNmoeIYktAfy9KAAnlMq0CzSIEUlx52FR0kA5gJ7S4Tt0VaFYR2ZyK3NhPI5oR9"
    "FiYwMJQHzFuIWXC0aQsumq08w+aM7Nw1I0kCAbYsoLbh+XoEkchywdKBGFxKDA4Qq5QfkK"
    "aE8E65DX0mWlZL+2FIgc+y8VkgjLdWFSGOUuVpBYkI1gJFII6XBdlfKdk/+BTYyeP2Chpn"
    "a8mTWSJ3YeVF/fx9NOjn5PelydiF3TJ97b+abZUKJ6uEeuOvsxUOvB3a48qyfQt77+n7/t"
    "Y4/EpPYUot8jHi7+5aX1hmtHuDa3b1ph1cM4yplri0h4QlydaXmjOWIKVZWdkmnXlZNSEN"
    "EtGOh8uBGl9RI2VpgdMyc9pFa7LTVbM8JCmByzJzGdys9ZhJY9HlkSbbBKl8YhDn0ldCW7"
    "IJBD7to/JpF4/rPcBcPtlVsoFcFuXc2SxTEEEqOZtjJWSTt/MthSbbEoyFx7S0NguMhc4S"
    "YT3K9BPb0TiUe9nLFIA7ES7rG/4qJwyjg1eLzIKajpzdUMtsm220fmt1x93+J7096N92h3"
    "etcXfQv9K4tyd41P7cuXnodW6utM3lBLcHd/e9zpje3VxOMJWXb4at30hvm8sJ7ny57w5p"
    "y+iiUY616YiQUgEhBfEgGbMY2RI8sdDzLYXM7JUpLtoNE64rarFpWjA/Sq3Ibtn1KJRtwN"
    "IpOLVqyZyhJSSEfScpIvUigGrwnVDAqlvWOeRgjpN5FTN8Hy2WvkfG1IzD7XyLHEt3OKPc"
    "xZGI1qT7meUuqjkiGVqYRDJPIjSbIZrtjriiwCu+SIYWOC0zp01nsaTWM92Y+bySE6/Nap"
    "YauH0M3K62gqdpgdMyc/rZ8udT13jGVcobM7TAaZk5PUVL11lbNMxR38VaU9QPjIAjGQG7"
    "ch44fhQcp7UwpytUgddpSuCyzFwOzU5VZnSaErgsM5chfqwmR3AVF/sevOsq4gqhYm8SKu"
    "ZtKznviK16NaFZbNMzV6qosCg2jxcQtg3bK4gFSzTaaxjY78nJG5wn0fgDQsPeMDSMvAsh"
    "ocJoWwr1fMG1ON0xWTfnj447dxyh4+1YOvXgriVz1+QepFUQ3hC1B3hLwUvDFYUyzzcEAH"
    "C5zHOi7Bl2cNqLCMwMmYJgX5bBmlWrE1BfZuN0iCASHawjtGIwdOphfVpmF8zfA1mgZ5br"
    "+bpoyYo0lYIhfrUsH0G+rijUKSJAuqSg4SyWBn4RBpulU3D5qEOMRvwD9QqOh44J6hrQip"
    "W6XBKQxESOmEDFEVxqABeMX96hBWvRGqJbIigfWr58KNRu2p0dtdRuig6QJbA9OfwDGvO5"
    "w6MFFu2dRbaBn1bRgbNVshmT9IcTJBudkSADCMWV1hlNcKdPPgMc31hJWhqe9+y4U+H8nA"
    "yhgtvxRZlTQUirAnkncy7IBrfwROsqQQ85XUD0g8zRD4sVUXZDhukxAwXlsrwuDiilbe4c"
    "rZhm4bXlB+Um9GpFHXM72MsCqHR5xwR01RMVczuB9U/m9S8w9sWnNVcsCJgmB37LzO81cu"
    "Nzx0sGTyQoDhePdlLXUlpTkTiojKv0rIEYWYjlPOy0qfkouwTm8ZkQHANcfN777S+vn/Se"
    "PIHiKLf37FnvHGtloOXtiFSHdtUOelIUrAArF5nIWiOeNi0A1h3paohMa2mhY6yTWgough"
    "RNiwpjSHYcXMOor3YUjqIuXFyXQRWohmGyqaJoeSjP+SWC1SjsRVWMIgWWLO82tbPsOrJG"
    "pL8ubse9KYqa7/hLfWaYvuPuiNeY9HQbdKQQVHWmdCRFCE5aByNh5Kd2JKWaoCWU+T3UuK"
    "n9TDD0rAtHSaWIFAz9qyVUCg6hOkwhRTC1fQ+mNokOoQI211kJDGo5fh+cXjvWtBKbU4TA"
    "Y5l5DP6R2ireVjh4Ck6bAreTLCVE4Iip8kdMSXuu1GfHngYmnYylKXrSLDIyzbdtwLx0TE"
    "tms8C8BKVCoFTIm8ENpUKOD14oFQKlQt4GbCgVcrh9cL9ZcF/Jj+ID/HruYUwrsxercd8Z"
    "jujBieFneCZiq/+P8EREctGQYrxDxRao2KIe0lCx5bDaTBADRCQNKwK54rrO60diFjRaQ/"
    "2m373Sws8JJp/th+44uEEv4ju9+E5vgu++6MPb9pUWfgb/tx+G98ENejHB963R6H4wJN3E"
    "VxM8GH/uDK+04EOOjSPBKyEFNk0mMXcrTrDzMvPrPH96nWdml0+633FiMV1IjPp3PadCNo"
    "lMpy2FxDyVZibJV1lMtXg5KC1WZ2kxqNnzVtaKxYoGGVYraMWjhYJWtOe9FrSC7PfGPsNT"
    "VstpxZDcNCXEakJ0l/zx7XUEIYnEc5QIWBpgNHbIn/rDld6UFbXlyO8UJUNTle+Q5xn8pK"
    "zk42ZRvEyQk7VItISomWOa400tP2omEvBy4gxeF86T9DKrm41PnX5n2OpdadHFBN8PBzcP"
    "7TER2uOrCb4Z3LW6fXIruphg0ieV64OPCR493IcGmehCEgsMWixtwWCGJI3MjKuoxl6WUW"
    "Mv89XYy4wae1yu3wZd3H8hLd63H0bjwV1kLBSYMKNO+2HYHf+DjPXoaoK7/V+749a4Sz3E"
    "2+sJjt9xpaXeJjoxyqi/J/n670m2aC3RlajdPsu3wvqZSTKomSlQMzOSEQTNwWkq5RJPa3"
    "FeeqvH/0O8KPaC8LUtiYIL/lkplM8KUD7Louyjb77+6Ew54tGYPMrbWRNESiBdZDrofBkX"
    "G8U2loPeoP8pbs5aytKwz/2FLQx7ikgFu/yhUfeQ4ZpznQ5fEdwZMhjwFaAnGrcV1NuiIc"
    "Yrjp2+nJjJ6eaAEuf/PnQeOjeiYmZIdaWFn0TD6vSpekX+TvBtq9ujz8LPKiLlxxJ7wsfc"
    "HeEjux8QNFaVrMspQjAuS21c9hD2K7A4QQap4TLzVxrnwVvLz3v2vREW0Skwc52FGLZZQk"
    "gRz8LrIXdtmXzdOhfaNBHACpn3b5h5Hw3GPWA72vZ0XKO3LLTpeZuClnwFrf/Q6zXyFt89"
    "4Mt4BtXEOLvt5OCc7xJn8J/uWHVUSdiZYRoVzt4DUiJFuI9liRWr0brF1Vn5j863fEzjMI"
    "zXkR0EPak3CiuETmwHWE7wRGoEvhI+4abavhZAQeNmNNJgZdjahlJzZpqhRd6S/9H+FZVn"
    "+ZdmeZqHfO15jrBmkU/DI+2ipz+Q6+mULE/ee9aAUttLIMhDriCPiDcizqIEiRIW3QNkEb"
    "hotvKQkOczQaKCx+IAHjmoP1eLcaHIcZ8La6Hf/vu1iRVYFxIxlAfV0GSDuayKlh5hUNvv"
    "MLX9ymi+dRb36zs+Ne5whO7oSaG0jbdtIEz5mNbNIgmWCErIRZhnPCyUrrZEEFZWJqwMws"
    "EVCAePz7mr4MRmSCFSATzZR8BT8AlKI1budghsnVJl2rDNES4zlu98GTM0t0NKnJKy5m4x"
    "mBB6WU/o5RuF4sup3UMkvtKoGz7NzuT5yPOlugTJ4WS6D1Iv8cnC9d9obG4AUQWtiEMOmp"
    "HUmpGNDA/pRBDlVU4rZjZDCrHcMvPZtA1roQcnl4pYBhkyFfYoxvdaJpX6LD+V+iyTSh1U"
    "dEauG56IXRboNJV6OF+UMsJeFBhhL7JGWGmcsUev5u2pulGu21awutGOTtujqHBUxmW7P6"
    "POEJkOzXhs0wMsODad1PNmkUnHjVpuzsIoF6MXRMuF9SJ+8DSPIGijn1Ye0uL+NNqfp73z"
    "5s4z1hwyPpqa5zsummpBBN1X9EIu6anbP/ID9Pb+BrA3yWVvouwTPqw9RVSXpQkOa89Sgu"
    "IntUJAwymrVP/04Fzno+AvuDzhXGfJYQVPMpzrLDe08p7rHOtrQ0QA9biJV2yTZimtzk20"
    "Blf9MS2nzQLVaUHYIHYU8ZZCPWPk/iMJ14a9Egq53RCoh24tOWPgp/o+1BbwUx3KT7V0HR"
    "N51awALC3MKZnnVDAthA2naaq9zCiJkkLAbgqTqdJkQt+WFumuApvTlLBkysxlsI6rzd+1"
    "Y00rcThFCDyWmcc0CpW82X3Rl4bnPTvutJr+WNQPjIBjGwHVFvbinmAUyDwK3soTKhlLwR"
    "EqLaySOUIlQxj8oG8Orbx+0LjAMcf/mah9nO/3TJRaBnfnUS2azQJ3Z/CZgTXf1hm3l7kS"
    "S1VvXB3Vb47riEdxrBufB6Nxt//pSosu4go3cYGbCe6Qj96VFnxM8K/3oyuN/JngwfgzPd"
    "4x+GhU4Nf+fdNTZ0HeJTIdthTqOdJOL85KeafPCrzTZ5lDBo+vEkKrPe7+2mkIzouQ6koL"
    "P2ldp9F9p39DCyBsLie43eq3O71ecOapTm8GU4l3d9OW9rC5rDJvTksFHRTEHGQcOiFb9E"
    "c0I/KgblLW2dui4NUZndejxHPtu+L70nhZ0PMOimKmXud1tpdDnmnc6j+0eqKTO6S60sLP"
    "CW49jMlmN+629ZvOdXdMuJ++Icf25iJz5dJvoBsLvqp8g0xrYdj8vY5HztrzQvr3UT/SzM"
    "p9WPNuOu3uXav37uS0ecqcWhxz4zxb/JAghrCZU/wwx/KToDnkNjccCU6DqgE6ZeJz8sNz"
    "OJuPWy2aIE0J0QRS26aDginTFdIpP/icztFYWcIiRqu1YhG+ZYqxBpJUteAbhhZ8OTLPF7"
    "KFoGfekUiOYyMD523xMRHD3EdCVdcCGJvTDsvQ68Ggl+JlJKYl9pyHu+sOEbGYzZ53SiVB"
    "zbB1c27gp4o1cnk9wASTfoIRniE8pTJxdTGksCMYAzKPASJaIBcT3vF8E/kSPkOmWsTwSS"
    "lD+kmBIf0ka0hfI9fjGpRyXUAJisPlZ5/UhfCeYxIg6V3ZoATZIN5nVEK+6zyj4wTW4h3P"
    "BG0zhmdFkE+tBPQoyd1QUvOM2XpjMTwv/J6cWAwv3rWKYjG2jSAW45j2iqaWH4vxZtlnks"
    "EM6Wegm+2hXjOtE+shMjfEGc3SAqulZjV5OEfYt8yK85pHD4YXmTkuUW4pTOwa2Yyr5R4m"
    "6WAiy8xha6lXOEo+TSVxOFhFoff8ooTQe36RK/TSR2mhd+UhVyfKKM8WlY9zmko9nGs5Tx"
    "5Mq5BGJzmsYLGGPDq5oZU4j44wqovJnmnTbQQ1eDZcpkmz0JZLGusWprEfieavnhRxjfxn"
    "hLBmaK71NPe1ONteM/BUI+qs5iGC4ZSQm77jXmne3HH9n2x6EnMzceRDk3QwQ89afNhb9s"
    "CIOl8EFmiwQMsIM1igQbcFIxWwuZz1GY5W3a+iByXlFJ8wYCABA4ncsIKBBAwkckMrsYHE"
    "N2az1mpq+Q2ebWT7tFloFqHtdGPTsNTRmQGRFh3McqU9zy1zTg+rbGoz11mQ/5FLKMPbzp"
    "KOCkIcGDLC39YMrufOs2b5WuBEfK/10Rq51NCRsYzU/sYJXhuuRRHxtHfk/xfNNFx6OufK"
    "850Fcr0fNKrKB13cd/seHMYpo1GlQjzKAdW+NzjwVw0hVtxrDS5rIZf1ZrkUwThFpB7Kta"
    "RWhYuWblL/g1AeW4ZQ5kplFRG/KIX4RQHiF1nEnZVvOmKF9xIkCqJcT+099CKmC28JQA9+"
    "VQ8mYO1BTwvUgV/Cro4L3rKK2nZQpZQ08nqt/9DrvamWRoHP09EiprymoUXDANKQjmpeNw"
    "v0FSgJW6+45ZkO7SWD8N9Hgz4f4S0FqxNapq/9V7MtrzYrYuOvsxU2A6vF48qyfQt77+n7"
    "/taod13lAU4RSumHMc7v7lpfWBa0e4NrVvGjHVyz7ECmi3zhoAeGDKIemIEPUQ/fqWEkyJ"
    "2r6MJlacGPKzOnXbR2vlYseZSkBC7LxuWM2lem7sbGV5MeCSKVJNLOoaPk+WELSYwdf3kb"
    "BN42OHpc4mmzSJPzSTt9tm34qq+tpS2R6zn4B09L5M46rkbeob0b3ra1y9Ozjz9ekWZBUT"
    "MtOAZOMzTTcV1EZFaTfAnyB88sd+Fplp8NO67nFaBryqVrhjwWkbu3FMqJ3OdllM3zfF0z"
    "W346VFLE1RpF1fnTizJOKtKq4ESLjJsK1BplxSAmNInuJNUYzdCCwCszp7dKqOejJUegtZ"
    "5y9/0srUKepL+cnp6d/Xz64ezy48X5zz9ffPywEQeyj4rkguvuJyoapDgMJSohTPjoYIUw"
    "YQgTlhtaecOEf0OPc8f5eoNoqrDL9UOzTZpFRoznsDH9gdvWe/VK/95A66gUCsLTpUNR/4"
    "MxH/yeOKMuOHkkSvWikt8fYFs4pG3hCI8ajM58E3StNjYHyG3OjLvp9Lq/dob0zLjN5QTf"
    "trrBMXLhJ2tyK+cQL+UPL3CHZ6rlQPbkfsU7z5yj6araET8sLdgkpNZU2Q1GkNsccmC41A"
    "y3keEhPfB0iDKbIQUTlMx8Nm3DWuhBXRUR4z1Dpl76w9lpCfHj7DS/Wt8pK36ElZ7D04ap"
    "x1BADOGRgmEkK5AEOCHXDZ3LZcdymkq9oVxLxkOk+1aS/Vha2CFk3iFiA4SYFZehAvM4Z7"
    "kKbDyCsCZIANPXbeMbM9qO1tvIPtiJuzsylMvacJPD63Xj+MY0uT98Ez2qCnF6YZTQTr5h"
    "Qr6dPMmn1+3kyXEC2VtHtbQ2C6zeK5djGiio8O7yzAFKBHt9KCthF4rYGRk7XI3DzjJA5+"
    "dwMWSQyJWStPeXyCUy+JUOdqzlbIOli9aWs/J0cbA5pOpp9YcAvZr9N7cT0PPl1vMpxhxB"
    "6dpxbGTgPD1/Q8Ww95GQ1bW0xWLUYVl6PRj0Uty87jKhhf2Hu+vO8N1JwEbSyArl+qzqPz"
    "Msm3wL3bMitUhkgmWIYWLJPLGmlhfMkSqW0jQp8FlmPkN6hrJsrpSlGrk5LJ72JpKqyolN"
    "PE72HzZhNWWyLTBlxSbdEnasTdM9B3smIrg9Wt+VbutsuCfYtg5p24pZzgM3X/FMU0HWKK"
    "Nw8rJGo9FefgQnScADxlEtAjQEBm3cXkHD1GWZAXuZP2AvMwOWyBHOyjWR4MLAkCkIdS31"
    "yzawEbnH45bnzV0meKQQMpVdLZbGi+0YnME8Rt9yoE2QKDGQi5STzpdxsfdgo5v0Bv1PcX"
    "PWpQBp/N+JnghJxfWsWJD9erDsV7Bs7AP5Wi0bLQK9OW9wbBrRk2aRNcPYtoFYnGNaBJsF"
    "9opcATlfJ8kXjI9TjDtAASY6qQQQjporiG4t2h4tIMCN1s0PdUqQHD7M6W3k4L0FNAn4NP"
    "a/mf35/z8+g4g="
)
