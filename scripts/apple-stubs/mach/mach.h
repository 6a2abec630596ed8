// Stand-in for the macOS SDK's <mach/mach.h>: the declarations the project uses (see README.md).
#pragma once
#include <cstdint>

typedef int kern_return_t;
typedef int integer_t;
typedef unsigned int natural_t;
typedef natural_t mach_port_t;
typedef natural_t mach_msg_type_number_t;
typedef mach_port_t task_t;
typedef mach_port_t host_t;
typedef mach_port_t thread_act_t;
typedef thread_act_t* thread_act_array_t;
typedef mach_port_t ipc_space_t;
typedef mach_port_t vm_map_t;
typedef mach_port_t mach_port_name_t;
typedef std::uintptr_t vm_address_t;
typedef std::uintptr_t vm_size_t;
typedef std::uint64_t mach_vm_size_t;
typedef int policy_t;
typedef natural_t task_flavor_t;
typedef integer_t* task_info_t;
typedef integer_t host_flavor_t;
typedef integer_t* host_info_t;

#define KERN_SUCCESS 0

struct time_value { integer_t seconds; integer_t microseconds; };
typedef struct time_value time_value_t;

#define MACH_TASK_BASIC_INFO 20
struct mach_task_basic_info {
    mach_vm_size_t virtual_size;
    mach_vm_size_t resident_size;
    mach_vm_size_t resident_size_max;
    time_value_t user_time;
    time_value_t system_time;
    policy_t policy;
    integer_t suspend_count;
};
typedef struct mach_task_basic_info mach_task_basic_info_data_t;
#define MACH_TASK_BASIC_INFO_COUNT \
    ((mach_msg_type_number_t)(sizeof(mach_task_basic_info_data_t) / sizeof(natural_t)))

#define CPU_STATE_MAX 4
#define CPU_STATE_USER 0
#define CPU_STATE_SYSTEM 1
#define CPU_STATE_IDLE 2
#define CPU_STATE_NICE 3
#define HOST_CPU_LOAD_INFO 3
struct host_cpu_load_info { natural_t cpu_ticks[CPU_STATE_MAX]; };
typedef struct host_cpu_load_info host_cpu_load_info_data_t;
#define HOST_CPU_LOAD_INFO_COUNT \
    ((mach_msg_type_number_t)(sizeof(host_cpu_load_info_data_t) / sizeof(integer_t)))

extern "C" {
extern mach_port_t mach_task_self_;
mach_port_t mach_host_self(void);
kern_return_t task_info(task_t target_task, task_flavor_t flavor, task_info_t task_info_out,
                        mach_msg_type_number_t* task_info_outCnt);
kern_return_t task_threads(task_t target_task, thread_act_array_t* act_list,
                           mach_msg_type_number_t* act_listCnt);
kern_return_t host_statistics(host_t host_priv, host_flavor_t flavor, host_info_t host_info_out,
                              mach_msg_type_number_t* host_info_outCnt);
kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_name_t name);
kern_return_t vm_deallocate(vm_map_t target_task, vm_address_t address, vm_size_t size);
}
#define mach_task_self() mach_task_self_
