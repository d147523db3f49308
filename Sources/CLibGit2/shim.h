#ifndef CERTLINT_CLIBGIT2_SHIM_H
#define CERTLINT_CLIBGIT2_SHIM_H
#include <git2.h>

/* The *_INIT macros are not importable into Swift; these helpers stand in for them. */
static inline git_diff_options certlint_diff_options_init(void) {
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    return opts;
}

static inline git_diff_find_options certlint_diff_find_options_init(void) {
    git_diff_find_options opts = GIT_DIFF_FIND_OPTIONS_INIT;
    return opts;
}
#endif
