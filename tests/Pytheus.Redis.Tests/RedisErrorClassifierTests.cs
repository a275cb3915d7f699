using Pytheus.Backends.Redis;
using StackExchange.Redis;

namespace Pytheus.Redis.Tests;

public class RedisErrorClassifierTests
{
    [Theory]
    // Redis 7 appends the script's sha to any error raised inside a script: the code alone decides.
    [InlineData("OOM command not allowed when used memory > 'maxmemory'. script: 72cb7ae5635ddccca7f28847427906b9cfabd02c, on @user_script:1.")]
    [InlineData("READONLY You can't write against a read only replica. script: 72cb7ae5635ddccca7f28847427906b9cfabd02c, on @user_script:9.")]
    [InlineData("NOREPLICAS Not enough good replicas to write. script: 72cb7ae5635ddccca7f28847427906b9cfabd02c, on @user_script:1.")]
    [InlineData("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. script: 72cb, on @user_script:1.")]
    [InlineData("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")]
    [InlineData("LOADING Redis is loading the dataset in memory")]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot")]
    [InlineData("CLUSTERDOWN The cluster is down")]
    [InlineData("MOVED 3999 127.0.0.1:6381")]
    [InlineData("ASK 3999 127.0.0.1:6381")]
    [InlineData("NOSCRIPT No matching script. Please use EVAL.")]
    [InlineData("NOPERM this user has no permissions to run the 'evalsha' command")]
    [InlineData("SOMETHINGNEW a code this client does not know")]
    public void Error_replies_that_mean_not_now_are_transient(string message) =>
        RedisErrorClassifier.Classify(new RedisServerException(message)).ShouldBe(RedisFailureKind.Transient);

    [Theory]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value script: 72cb7ae5635ddccca7f28847427906b9cfabd02c, on @user_script:12.")]
    [InlineData("ERR user_script:3: attempt to compare nil with number script: 72cb7ae5635ddccca7f28847427906b9cfabd02c, on @user_script:3.")]
    [InlineData("ERR unknown command 'EVALSHA', with args beginning with: ")]
    public void Refusals_of_the_command_itself_are_permanent(string message) =>
        RedisErrorClassifier.Classify(new RedisServerException(message)).ShouldBe(RedisFailureKind.Permanent);

    [Fact]
    public void Failures_without_an_error_reply_leave_the_outcome_unknown_and_are_transient()
    {
        RedisErrorClassifier.Classify(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")).ShouldBe(RedisFailureKind.Transient);
        RedisErrorClassifier.Classify(new RedisTimeoutException("timeout", CommandStatus.Sent)).ShouldBe(RedisFailureKind.Transient);
        RedisErrorClassifier.Classify(new TimeoutException()).ShouldBe(RedisFailureKind.Transient);
    }

    [Theory]
    [InlineData("OOM command not allowed", "OOM")]
    [InlineData("LOADING", "LOADING")]
    [InlineData("ERR\r\n", "ERR")]
    public void The_code_is_the_first_word(string message, string code) => RedisErrorClassifier.Code(message).ShouldBe(code);
}
