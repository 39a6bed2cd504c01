/* SHA256_Init/Update/Final: HMAC-SHA256 with the key's inner and outer states computed once
   (OpenSSL 3's one-shot HMAC() fetches its algorithm on every call). */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
