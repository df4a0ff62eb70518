// Declarations for `make platform-check` only: gcc's <stddef.h> includes
// this on FreeBSD; glibc's headers already define what it would.
#pragma once
