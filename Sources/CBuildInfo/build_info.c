#include "build_info.h"

#ifndef CERTLINT_COMMIT
#define CERTLINT_COMMIT ""
#endif

const char *certlint_build_commit(void) { return CERTLINT_COMMIT; }

#ifndef CERTLINT_RULES_URL
#define CERTLINT_RULES_URL ""
#endif

const char *certlint_rules_url(void) { return CERTLINT_RULES_URL; }
