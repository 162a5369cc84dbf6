from tortoise import BaseDBAsyncClient

# Edited after aerich wrote it: the initial migration made contact.email UNIQUE inline (constraint
# "contact_email_key", not the index name aerich assumes), and the enum default is its value.

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "contact" DROP CONSTRAINT IF EXISTS "contact_email_key";
        CREATE TABLE IF NOT EXISTS "email_change" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "new_email" VARCHAR(254) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "confirmed_at" TIMESTAMPTZ,
    "voided_at" TIMESTAMPTZ,
    "account_id" INT NOT NULL REFERENCES "account" ("id") ON DELETE CASCADE,
    "contact_id" INT REFERENCES "contact" ("id") ON DELETE CASCADE
);
        ALTER TABLE "mail_message" ADD "personal" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "mail_message" ADD "kind" VARCHAR(12) NOT NULL DEFAULT 'CUSTOMER';
        ALTER TABLE "recovery_request" ADD "value" VARCHAR(254);
        ALTER TABLE "recovery_request" ADD "claim_token" VARCHAR(32);
        ALTER TABLE "recovery_request" ADD "processed_at" TIMESTAMPTZ;
        ALTER TABLE "recovery_request" ADD "method" VARCHAR(16);
        ALTER TABLE "recovery_request" ADD "temporary_password_used_at" TIMESTAMPTZ;
        ALTER TABLE "recovery_request" ADD "temporary_password_until" TIMESTAMPTZ;
        ALTER TABLE "recovery_request" ADD "lease_until" TIMESTAMPTZ;
        ALTER TABLE "recovery_request" ALTER COLUMN "token_hash" DROP NOT NULL;
        ALTER TABLE "recovery_request" ALTER COLUMN "account_id" DROP NOT NULL;
        ALTER TABLE "recovery_request" ALTER COLUMN "expires_at" DROP NOT NULL;
        ALTER TABLE "session" ADD "authenticated_at" TIMESTAMPTZ;
        COMMENT ON COLUMN mail_message."kind" IS 'SECURITY: SECURITY\nINVITATION: INVITATION\nCUSTOMER: CUSTOMER';
        CREATE UNIQUE INDEX IF NOT EXISTS "uid_contact_account_c9c367" ON "contact" ("account_id", "email");
        CREATE INDEX IF NOT EXISTS "idx_contact_email_815930" ON "contact" ("email");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_contact_email_815930";
        DROP INDEX IF EXISTS "uid_contact_account_c9c367";
        DELETE FROM "recovery_request" WHERE "token_hash" IS NULL OR "account_id" IS NULL OR "expires_at" IS NULL;
        ALTER TABLE "session" DROP COLUMN "authenticated_at";
        ALTER TABLE "mail_message" DROP COLUMN "personal";
        ALTER TABLE "mail_message" DROP COLUMN "kind";
        ALTER TABLE "recovery_request" DROP COLUMN "value";
        ALTER TABLE "recovery_request" DROP COLUMN "claim_token";
        ALTER TABLE "recovery_request" DROP COLUMN "processed_at";
        ALTER TABLE "recovery_request" DROP COLUMN "method";
        ALTER TABLE "recovery_request" DROP COLUMN "temporary_password_used_at";
        ALTER TABLE "recovery_request" DROP COLUMN "temporary_password_until";
        ALTER TABLE "recovery_request" DROP COLUMN "lease_until";
        ALTER TABLE "recovery_request" ALTER COLUMN "token_hash" SET NOT NULL;
        ALTER TABLE "recovery_request" ALTER COLUMN "account_id" SET NOT NULL;
        ALTER TABLE "recovery_request" ALTER COLUMN "expires_at" SET NOT NULL;
        DROP TABLE IF EXISTS "email_change";
        ALTER TABLE "contact" ADD CONSTRAINT "contact_email_key" UNIQUE ("email");"""


MODELS_STATE = (
    "eJztXVtz4jgW/isuXra3iu3qXMh0sVtbRcDdzQ6BLJCenhmmPMaI4G1bZnxJOjXT/30l2+"
    "Cb7FgGE1nRS+zIOrL5ji7npqM/W6a1AobztqdplgfdVlf6swVVE6Cb9KO21FK32+gBLnDV"
    "peHXVWOVlo5rqxpua60aDkBFK+Botr51dQuiUugZBi60NFRRh/dRkQf1PzyguNY9cDfARg"
    "9+/Q0V63AFvgFn9+/2q7LWgbFKfKy+wu/2yxX3aeuXDaH7wa+I37ZUNMvwTBhV3j65Gwvu"
    "a+vB598DCGzVBbh51/bw5+OvC3/o7hcFXxpVCT4xRrMCa9Uz3NjPXSpRWUtRxpO5MpPnit"
    "KiAEizIAYXfarj//p7/An/OD+7/OHy/cXV5XtUxf/MfckP34NXR8AEhD4843nru/9cddWg"
    "ho9xBKpm6AC6CvTMJeJGBt/+RrXJAGcIU1ijH5HGeocsu2Cb6jfFAPDe3WCE3xUg+7k37X"
    "/qTd+cv/s7fqGFhkMwTMbhk3P/EQY/AnurOs6jZa+UjepsaMDOEB4H7F1BhHY0nE8Pd6dT"
    "Bu9OJx9w/CyJuOk5rqJtVHgPlB2IWeCvLcsAKiRjn9dEigVL1EZdPNiX1MCEAsyvJ5MRbt"
    "l0nD8Mv2A4T2F/d3MtT9+c+SxBlXQXxKedWM/XIX2nj9FU6u/h1PGKurtmAwyHorpZoAfo"
    "iaubIGc6T1Cm4F6FpG93Nw2cbArAng9v5Nm8d3Ob6OyD3lzGT8790qdU6ZurFF/2jUg/De"
    "efJPyv9MtkLPtwWo57b/tvjOrNf2nhb1I911Kg9aioqzgmu+JdEXkdCaalKvzOaeIIjGds"
    "1DWd71gcXn+NyW64YKlqXx9VxL3Ek6iDINlcf9DdJ8JSF1J++HEKDNUHM8v2vVoQtCI/gK"
    "zg3JwhH5WGvTMxltStjrSRrwA6B4K11ee4GV5x0lSoASNA4UCo+rGmuIXLgi4ahYciFbTC"
    "K0jAVHUjXIEORErGTfX9lnhFC//Cw0C6QS3cAMdR+QXJBpr1AGz90P40Ddp5mgL0250yI5"
    "BNuacYLQfYD7p2KFazoBVeu5SDRszhi94saIUnkLAkap1bebJp8lGE58YyViRb4w7NCQRz"
    "C/15HtNP+5Y4GZsYP/PcTCFqqhDN2KuwOUxMFNCJhv2UBF9k3g+qKmBfV1j5T9Uh6rby09"
    "sHhB2IUXtAQnfVXIvKabMn4NF/8K6cv6bIYZPx2OBZMViBKCAmr1k8YHxVBuKrfISvMgA7"
    "nmmqNsFQlY9wjIRDiDulunGnoBt3st1Y3+JpBc08BCE2H+gkFX8umMsyHpjLfAfMZcb/4i"
    "GFSkGyGiSst/k4J6n4w/miVJe+KOjSF6SZ2Q9HUajkxSTR83JjE2aPI4iOGR9DBuYsxh8s"
    "G+j38Efw5EM9RB+FzbpF3oR9Sw2DOE9dQ8W2+rjXYVK9CyGAfjcIPOL93qzfG8it7/neGy"
    "ptmlZR3DknSDpizHFRoB7u3CRCM+RKM/SvFGvVrj6HktdZqWXqrGCZOssuU1tgm3qe/fA/"
    "s8k4xz2fJEvr4brmSn9Jhl7KMF0J9da/1h70VRlp6emGq0PnLX7fv1v1TrIk6DFMCZV8h/"
    "ibm96XNDP6o8l1WtfGDVynGONPZtQxSUkq7kIery7L6HeX+frdpYhIepWWKPBtq6PmKrA5"
    "SSnij1jmsqE6roK01SrDOU0rOM0yp23wgFa6KnxOUgous8xlYUM5ppKVFXqWT0oYB0YHcS"
    "59JbQZG0DCYNUog1Vxvz4CzOVjHBnryGVRzh3NLFkIEzG5BCthOmY331KopWsKY2GTptZ2"
    "gbHQ2gKohDGDdCsagfIoaxkHcMd84a7qejkeWhl6ZmZCTbrF99Qs22ZbvZ96w/lw/FHpT8"
    "YfhtOb3nw4GXclYvECzvqf5MHdSB50pf3tAvYnN7cjeY5L97cLiOXlwbT3E2ptf7uA8pfb"
    "4RTXDG9a5VibDC0pYxY7zzeLnWfMYmhJcOjiSiIKltnLUtCDHYRuV9Rik7TC/Mi0Ihuxa0"
    "kVSpSm43Bo1RIWpyGxj9p3kiDiL8qlBt8JBqy6ZZ1ALsxxLM9iqusCc+s6qE+tCdzOt8il"
    "6U5nlOs0RLRGza9126zmiEzRikHE8iAC6zXAW1kAURR4xheZohWcZpnTmmVusfVMUdcuaT"
    "/Zc6M6TS243QBuIwQUx1XtijEleY0I3jeA94ewXHC6EZx+1N3NylYfYQVOp2kFp1nmdKCY"
    "VhnRSUrBZZa5LCJManIVVXHCHcH/xiOuIpjkRYJJnChrzIHY8pd/Jo1tcuQyFTcSRu+QQk"
    "aiwJ6CaJFYpaMGivwaH7x+orHWbyJ45AWDR9a67bgK7X6zJBWH/rladp35wfa0UCeIBNLl"
    "kMbmBRU+UYOdpuPPH1qL4xmQkyDm47wnqKtDv+D5BJ1SYUmdgrikTsbnvEUgUXXkPQGPPb"
    "hUB6Y4AAK9CwCq3CARBY/41jBDQKQ7bJaWvbEsghRXsLE9Rccf3PWsf8Qs4wXrXlhfwFsK"
    "XhzUSzUd7wkEwOXyM1gIMUPBsVJUq16SjEOwr8pgnTYtx6C+ykrKSBm3n6ihTtPxh/V5mV"
    "Uwfw0k5Sx8IEBceMpRRHTCc412snNzjzUS2V0OZkct2V3CkwUQbPcWORl8PndItIJFR2eR"
    "ocJ7LzyJoMp+pzj96axVLXlGyQBE0ZXk2QLKY3T1cXzhBeKFjyFkey0WpxDyewqhDh9019"
    "+YrFRL/5XbwFEGAteJwGLQVd/SktuIiAJiOQrI9yw5+j1U9CqBfQRywW+W+f0A7N1ZNyWd"
    "6DGK08UlndU1ldaUTkjkUOR61IhYSRHTd9phU3NG8xc9ZJXN5Z3R8zCbCJaPlQ00oD8Akj"
    "ZNeS7mFGj6Vi930HET4RIHY7J85mNTMKozlDg+ZRHCiVMzWn5IcXwW9WuKBHRNEt3aUsFp"
    "FeBRoQ4BTBBxGNdaSxygOB7hNCl+hGr/GlR7ho5HEGyuM0+ByDL0Ojj9YOmrSmxOEAoes8"
    "xjYY+tLRdbhSMRxDkIwszNytZ1cfhB+cMPmD3x4JNlrHyTTsbSFD5pFxmZNlEdYV5q0pTZ"
    "LjAvfUU/i2zueD4cdUfLsoGpdStPZzjbfnANEun3xj8HafTRTascG2reKSIyBYhMAfwhLT"
    "IFnHYfsO+bUw0keQRYVZzXSe0wzIJWb6oMxsOuFFwXEF37d8O5X4BvdiWjXcloAW++KNMP"
    "/a4UXP3/+3fTW78A3yzgbW82u51MUTO7uwWczD/J067kX9hYOGK8onIQJckY5m7FAXZZZn"
    "xd5g+vy8zoclHzBw6sVBMMo/6qx1TAJion4J6CYZ4yM5LYy2jDmytbpLQRKW2aLcqKlDYi"
    "pQ038IqUNiKlzcuALVLanG4dPG7GApEr4qWQF1s5W8eMffC2q4rxnklKEQgoQofYD56uI8"
    "KFJligRDTMBIK5hf7UHwvzoqyobcPnQSEYeN/dDXAclbzjJ/64XRSM4W/4MWM1RUhGk8Z4"
    "W8oPyQjTsOUo5M9LfnF6lg2mrY/yWJ72Rl0pvFnA2+lkcNefI4lwd7eAg8lNbzhGReHNAq"
    "I2sdDoXxZwdncbuBTCG0Z8CMDcGpRaf5yGZcZVVJCuyij+V/l6/1VG7W9W8FILT+4/ohpv"
    "+3ez+eQmdHdRDJiZ3L+bDuc/o74e3i3gcPx5OO/NhzjGKbpfwN07ulLibbQDo4xudZavXJ"
    "1lM/EhXQl7nrN8K0wGFycTCeAoEsCFMgKlQzNJxd2uxlp8Fo63/B8ghUgX2HkjEg4n/ItS"
    "KF8UoHyRRdkF31xlaa0I4tEcPcpbWWNEXCBdZDqQv8wTk0cmde3ecjCajD/uqqfz2SZh37"
    "imQQ17gogHi++pUXeAamsbBXdfGtxTZKLDV4Aeadw6TvqCT013PUJWlHJiJqGZE0qc/72T"
    "7+QBrZgZUHWl4Io0LHmM1Sv0dwE/9IYj/Cy4VhEp35dYE97nrgjv0+sBQsOrZF1OEArjMt"
    "PGZQdAtwKLY2Ri3zHL/GXGefDS8vORfW+IRXgIrG3LpMM2Syj2H7NzJDmHsIpt3a/mRHLG"
    "em9ZaAsOJEefII3vRqNW3uR7BHxTnkE+Mc4uOzk457vEU/ivDsxnySXsqW4aZoE9AlI0GW"
    "WbMsXSJQCNcLU8d2l9y8d0F4bxPLITvyX+emGF0Imog+UETyR64DPhE3ai7nMBFDhuRkIV"
    "PNWQ9pSStZZUKfSW/FP6Pcz98bukO5IDXOlxA6Cko6vqoHrh07+h+9UKTU/O27QBpbaXiC"
    "APtoI8Qt7QOItiJFxYdE+wD07k3apF7y3yKefCWuhSfr3mmgLFNxbed1LlgTWYy2oPyR4m"
    "cpqdJqdZGaWszqRmSemYIBZmxOd8sTCQ2UVcLZci12GOXOG/rcd/+0LxPGzOwyKch2vUVR"
    "eHeJMMbflOzhjJ6WTmd0xP8fE0Ed+wg9+HqEJ8AIFcBIIwHShgANUBigddUgKhZ47UTZKK"
    "gBCW+awZqm4G5yfSmMhSZDysUamQ6jL7MS7y92NcEPIMOK4CbNuyaYBOUvGHc6dU6HqnIH"
    "S9kw1dZ8Zs1ng170hbpHMNbJRbpA80rzVim3QZ49rxjDrpIzcJZh3CqZz5hp3wKNAnxY7V"
    "FqadJo35doFpx0RsoEsUF1Hwt3gdfzfzg2p4VFuZ9wT8oVuLo1LoNUKvEXrNMfWarW1pSG"
    "SptDUoTSvGFMtj6sXO7U3zlKEN7uLYXjGYmn5sr5gya+OyV21d9MSS2Az+irN6+ecx9lqi"
    "N9tPylZ1nEfLXlXTH4vaET2gaT2g2sRe3JLoBSz3gpfaO88YS8WR3czCytjebsYQrmtrt4"
    "hu5+DE7t2ueoL/M7bhPt/vGdvfL9ydjZo02wXuTtrzdDk+t7iWTJ7NyitMj3Xr02Q2H44/"
    "dqXwZpdle5dkewFldBl1Jf+ygJ9vZ10J/WHxtM6VZaJ30QyHiII/R9p556KUd/qiwDt9QT"
    "q/rGE7Z3r9+fCz3KIcFwFVVwquOLf87FYeD/CGmf3tAvZ74748GvmJthVc6A8lUum+Lm5h"
    "f1tl3JyXCjooiDnIOHQCtihLsEbyoKJh1hlRJorqjM5rkeGx9qr4vlWfTJxkpyhm6nleZ1"
    "s5ZSL93viuN6Id3AFVVwquC9i7m6PFbj7sKwP52j/aOlnAxvJmA82z8RcoqklWlQdA003V"
    "IK91JPK0PS+gfxu2w8yoPIY1byD3hze90Zuz8/Z5KlV+/OjqlOkHIQagRnciaozmlMvclP"
    "a8vaoBOmXic/LDcwiLj10tmiBJKaIJmLZN+xvsVh5QVsSjcDCnC3bmxQmLGM3XjIX4lp6P"
    "AkmqWvBNilb4clgeLyIPMrdeB9YgPqbbId82npnEfHXwwEyT/ZRmyQnyyb2CKimSQ2Qurd"
    "fZ4jjBdxKcLc7uhOciZ0tUSThbmrRWtAucLS8WXs4YzCK+XEi4R0jggRMHOACNDXpGp2kF"
    "q5lmNXq4AdDVtYrjmkQv1FeWOc7Q5hExsGtkM6y2uSBOJwYyyxzWt0qFBOVJKob9vRWF3s"
    "tOCaH3spMr9OJHSaHXc4CtIGWUZIvKxzlJxR/OtZwbLEyrIk6ecViFxVoEyrMNLbuB8j1g"
    "69qmRTDdhk/aRZZbNaojDLdNmjLbBYbbB2DvzPFlJasYCcvx25Vjg8sIsKhWQWxwRoTFg4"
    "oC4bA6h+ielZJazwqk1rOs1IonXKJ28J/ZZJwvW5FVg5WuudJfkqE7DV7+SeBiMBKqdSZZ"
    "ezovezupM+MGrg/NK3roYvb9/4L/wrs="
)
