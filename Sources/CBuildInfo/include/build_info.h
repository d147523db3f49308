#ifndef CERTLINT_BUILD_INFO_H
#define CERTLINT_BUILD_INFO_H

/* The Git commit the binary was built from (Scripts/package.sh sets CERTLINT_COMMIT), or "" for a
   build that did not record one. */
const char *certlint_build_commit(void);

#endif
