#include "build_info.h"

#ifndef CERTLINT_COMMIT
#define CERTLINT_COMMIT ""
#endif

const char *certlint_build_commit(void) { return CERTLINT_COMMIT; }
