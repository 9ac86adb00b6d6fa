/*
 * tsan.h - happens-before for ThreadSanitizer across libzmq
 *
 * The front thread and the write loop hand job pointers to each other over an inproc PAIR
 * socket. libzmq orders that handoff with its own atomics, which Debian's libzmq is not built to
 * show ThreadSanitizer, so every access to a job after the handoff would look like a race. A
 * TSan build marks the handoff itself: the sender releases the job, the receiver acquires it.
 * Elsewhere these are nothing. (tests/tsan.supp keeps TSan out of libzmq's own threads.)
 */
#ifndef JRP_UTIL_TSAN_H
#define JRP_UTIL_TSAN_H

#if defined(__SANITIZE_THREAD__)
#define JRP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define JRP_TSAN 1
#endif
#endif

#ifdef JRP_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define TSAN_RELEASE(p) __tsan_release((void *)(p))
#define TSAN_ACQUIRE(p) __tsan_acquire((void *)(p))
#else
#define TSAN_RELEASE(p) ((void)(p))
#define TSAN_ACQUIRE(p) ((void)(p))
#endif

#endif
