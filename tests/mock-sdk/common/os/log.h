// Mock of <os/log.h> as DriverKit provides it. Messages go to the simulated
// runtime's log, which tests read back. Privacy annotations such as
// `%{public}s` are accepted and stripped there.
#ifndef _OS_LOG_H
#define _OS_LOG_H

typedef struct os_log_s *os_log_t;
#define OS_LOG_DEFAULT ((os_log_t)0)

typedef enum {
    OS_LOG_TYPE_DEFAULT = 0x00,
    OS_LOG_TYPE_INFO = 0x01,
    OS_LOG_TYPE_DEBUG = 0x02,
    OS_LOG_TYPE_ERROR = 0x10,
    OS_LOG_TYPE_FAULT = 0x11,
} os_log_type_t;

#ifdef __cplusplus
extern "C" {
#endif
// Stands in for `_os_log_impl`, which the real macros call with an encoded
// argument buffer that only clang's os_log builtins can produce.
void dext_mock_os_log(os_log_t log, os_log_type_t type, const char *format, ...);
#ifdef __cplusplus
}
#endif

#define os_log_with_type(log, type, ...) dext_mock_os_log((log), (type), __VA_ARGS__)
#define os_log(log, ...) os_log_with_type((log), OS_LOG_TYPE_DEFAULT, __VA_ARGS__)
#define os_log_info(log, ...) os_log_with_type((log), OS_LOG_TYPE_INFO, __VA_ARGS__)
#define os_log_debug(log, ...) os_log_with_type((log), OS_LOG_TYPE_DEBUG, __VA_ARGS__)
#define os_log_error(log, ...) os_log_with_type((log), OS_LOG_TYPE_ERROR, __VA_ARGS__)
#define os_log_fault(log, ...) os_log_with_type((log), OS_LOG_TYPE_FAULT, __VA_ARGS__)

#endif
